// libjpeg's API (libjpeg-turbo's libjpeg 6.2 ABI, Debian's libjpeg62-turbo-dev). jpeglib.h needs
// stdio.h and stddef.h first. Only CChexCodecs uses this module; Swift never calls libjpeg.
#include <stddef.h>
#include <stdio.h>
#include <jpeglib.h>
#include <jerror.h>
