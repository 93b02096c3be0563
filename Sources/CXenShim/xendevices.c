// The ioctls of /dev/xen/evtchn, /dev/xen/gntalloc and /dev/xen/gntdev (CXenShimXenDevices.h).
#include "CXenShimXenDevices.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

/* The kernel's uapi headers use Xen's types without defining them; their users define them first
   (Xen's public/xen.h: typedef uint16_t domid_t; public/grant_table.h: typedef uint32_t grant_ref_t). */
typedef uint16_t domid_t;
typedef uint32_t grant_ref_t;
#include <xen/evtchn.h>
#include <xen/gntalloc.h>
#include <xen/gntdev.h>

long xd_evtchn_bind_unbound_port(int fd, uint32_t remote_domain)
{
    struct ioctl_evtchn_bind_unbound_port bind = { .remote_domain = remote_domain };
    return ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &bind);
}

long xd_evtchn_bind_interdomain(int fd, uint32_t remote_domain, uint32_t remote_port)
{
    struct ioctl_evtchn_bind_interdomain bind = { .remote_domain = remote_domain, .remote_port = remote_port };
    return ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);
}

int xd_evtchn_unbind(int fd, uint32_t port)
{
    struct ioctl_evtchn_unbind unbind = { .port = port };
    return ioctl(fd, IOCTL_EVTCHN_UNBIND, &unbind) < 0 ? -1 : 0;
}

int xd_evtchn_notify(int fd, uint32_t port)
{
    struct ioctl_evtchn_notify notify = { .port = port };
    return ioctl(fd, IOCTL_EVTCHN_NOTIFY, &notify) < 0 ? -1 : 0;
}

int xd_evtchn_reset(int fd)
{
    return ioctl(fd, IOCTL_EVTCHN_RESET, 0) < 0 ? -1 : 0;
}

size_t xd_evtchn_port_size(void)
{
    /* read(2) on the device returns whole evtchn_port_t values (Linux drivers/xen/evtchn.c). */
    return sizeof(unsigned int);
}

int xd_gntalloc_alloc_gref(int fd, uint16_t domid, int writable, uint64_t *index, uint32_t *gref)
{
    struct ioctl_gntalloc_alloc_gref op;
    memset(&op, 0, sizeof op);
    op.domid = domid;
    op.flags = writable ? GNTALLOC_FLAG_WRITABLE : 0;
    op.count = 1;  /* gref_ids[1] holds exactly one reference */
    if (ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, &op) < 0)
        return -1;
    *index = op.index;
    *gref = op.gref_ids[0];
    return 0;
}

int xd_gntalloc_dealloc_gref(int fd, uint64_t index, uint32_t count)
{
    struct ioctl_gntalloc_dealloc_gref op = { .index = index, .count = count };
    return ioctl(fd, IOCTL_GNTALLOC_DEALLOC_GREF, &op) < 0 ? -1 : 0;
}

int xd_gntdev_map_grant_ref(int fd, uint32_t domid, uint32_t ref, uint64_t *index)
{
    struct ioctl_gntdev_map_grant_ref op;
    memset(&op, 0, sizeof op);
    op.count = 1;  /* refs[1] holds exactly one grant */
    op.refs[0].domid = domid;
    op.refs[0].ref = ref;
    if (ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &op) < 0)
        return -1;
    *index = op.index;
    return 0;
}

int xd_gntdev_unmap_grant_ref(int fd, uint64_t index, uint32_t count)
{
    struct ioctl_gntdev_unmap_grant_ref op = { .index = index, .count = count };
    return ioctl(fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &op) < 0 ? -1 : 0;
}

void *xd_map_shared(int fd, size_t length, uint64_t offset)
{
    void *p = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)offset);
    return p == MAP_FAILED ? NULL : p;
}
