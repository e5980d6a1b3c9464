#ifndef UPLOAD_WORKER_CCURL_SHIM_H
#define UPLOAD_WORKER_CCURL_SHIM_H
#include <curl/curl.h>
#endif
