#ifndef UPLOAD_WORKER_CSQLITE_SHIM_H
#define UPLOAD_WORKER_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
