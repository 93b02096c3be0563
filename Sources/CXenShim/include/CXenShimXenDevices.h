// The ioctls of Linux's Xen user-space devices /dev/xen/evtchn, /dev/xen/gntalloc and
// /dev/xen/gntdev, one C function each. Their structures and ioctl numbers come from the kernel's
// own headers (include/uapi/xen/{evtchn,gntalloc,gntdev}.h, installed by linux-libc-dev as
// /usr/include/xen/...), included by xendevices.c only, so no number is retyped and no kernel type
// reaches Swift. Every function returns -1 with errno set when the call failed.
#ifndef CXENSHIM_XENDEVICES_H
#define CXENSHIM_XENDEVICES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// IOCTL_EVTCHN_BIND_UNBOUND_PORT: a new port of this domain that `remote_domain` may bind to;
/// returns the port (>= 0).
long xd_evtchn_bind_unbound_port(int fd, uint32_t remote_domain);
/// IOCTL_EVTCHN_BIND_INTERDOMAIN: a new local port bound to `remote_port` of `remote_domain`;
/// returns the local port (>= 0).
long xd_evtchn_bind_interdomain(int fd, uint32_t remote_domain, uint32_t remote_port);
/// IOCTL_EVTCHN_UNBIND: unbinds a port this descriptor bound (and closes it in Xen); 0 on success.
int xd_evtchn_unbind(int fd, uint32_t port);
/// IOCTL_EVTCHN_NOTIFY: sends an event over a port this descriptor bound; 0 on success.
int xd_evtchn_notify(int fd, uint32_t port);
/// IOCTL_EVTCHN_RESET: empties the descriptor's ring of pending ports; 0 on success.
int xd_evtchn_reset(int fd);
/// The size of one pending port in the ring read(2) returns (evtchn_port_t, uint32_t).
size_t xd_evtchn_port_size(void);

/// IOCTL_GNTALLOC_ALLOC_GREF of one page granted to `domid` (writable when `writable` is set):
/// stores the mmap offset in *index and the grant reference in *gref; 0 on success.
int xd_gntalloc_alloc_gref(int fd, uint16_t domid, int writable, uint64_t *index, uint32_t *gref);
/// IOCTL_GNTALLOC_DEALLOC_GREF of `count` pages at `index`; 0 on success.
int xd_gntalloc_dealloc_gref(int fd, uint64_t index, uint32_t count);

/// IOCTL_GNTDEV_MAP_GRANT_REF of grant `ref` of domain `domid`: stores the mmap offset in *index;
/// 0 on success (the mapping itself is made by mmap at that offset).
int xd_gntdev_map_grant_ref(int fd, uint32_t domid, uint32_t ref, uint64_t *index);
/// IOCTL_GNTDEV_UNMAP_GRANT_REF of `count` pages at `index`; 0 on success.
int xd_gntdev_unmap_grant_ref(int fd, uint64_t index, uint32_t count);

/// mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset): the address, or NULL with
/// errno set (MAP_FAILED is not handed to Swift).
void *xd_map_shared(int fd, size_t length, uint64_t offset);

#ifdef __cplusplus
}
#endif

#endif
