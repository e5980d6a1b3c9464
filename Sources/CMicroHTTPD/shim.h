#ifndef UPLOAD_WORKER_CMICROHTTPD_SHIM_H
#define UPLOAD_WORKER_CMICROHTTPD_SHIM_H
// microhttpd.h expects these to be included first.
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <stdint.h>
#include <stdarg.h>
#include <microhttpd.h>

// MHD_get_daemon_info is variadic and cannot be called from Swift: typed wrappers.

/// The port the daemon is bound to (useful after binding port 0), or 0 when unknown.
static inline uint16_t uw_mhd_bound_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

/// The number of open connections, or 0 when unknown.
static inline unsigned int uw_mhd_current_connections(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return info ? info->num_connections : 0;
}
#endif
