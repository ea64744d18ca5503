/* filled by the reader core: see mdb_reader.h */
#include "mdb_reader.h"
