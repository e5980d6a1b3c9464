#ifndef UPLOAD_WORKER_CRDKAFKA_SHIM_H
#define UPLOAD_WORKER_CRDKAFKA_SHIM_H
#include <stddef.h>
#include <stdint.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#endif
