// The LAPACKE C interface. Only ChexLinalg imports this module.
#include <lapacke.h>
