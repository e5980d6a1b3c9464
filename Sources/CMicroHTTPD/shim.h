#ifndef UPLOAD_WORKER_CMICROHTTPD_SHIM_H
#define UPLOAD_WORKER_CMICROHTTPD_SHIM_H
// microhttpd.h expects these to be included first.
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <stdint.h>
#include <stdarg.h>
#include <microhttpd.h>
#endif
