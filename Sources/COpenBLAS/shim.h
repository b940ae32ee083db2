// The OpenBLAS C interface (cblas_* plus openblas_get_corename and thread control).
// Only ChexLinalg imports this module.
#include <cblas.h>
