/* filled by the validator core: see mdb_validator.h */
#include "mdb_validator.h"
