// libpng's API (Debian's libpng-dev 1.6). Only CChexCodecs uses this module; Swift never calls
// libpng.
#include <png.h>
