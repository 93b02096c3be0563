#!/usr/bin/env python3
"""Development plan writer for the test guest (plan format v1, docs/test-guest.md).

The deliverable plan comes from `xen-detect abi plan`; this script exists so
the guest can be developed and booted before that command does. Layouts here
are written by hand from Xen's public headers for the few calls it emits.
Usage: plan.py --abi 32|64 OUTPUT
"""
import argparse
import struct

MAGIC = 0x4C504458
VERSION = 1
SENTINEL = 0xA5
NOT_A_POINTER = 0xFFFF

# public/xen.h
HYPERVISOR_memory_op = 12
HYPERVISOR_set_timer_op = 15
HYPERVISOR_xen_version = 17
HYPERVISOR_vcpu_op = 24
HYPERVISOR_sched_op = 29
# public/version.h
XENVER = dict(version=0, extraversion=1, compile_info=2, capabilities=3,
              changeset=4, platform_parameters=5, get_features=6, pagesize=7)
# public/vcpu.h, public/memory.h, public/sched.h
VCPUOP_get_runstate_info = 4
XENMEM_maximum_ram_page = 2
XENMEM_current_reservation = 3
XENMEM_memory_map = 9
SCHEDOP_yield = 0
DOMID_SELF = 0x7FF0


class Plan:
    def __init__(self, abi):
        self.abi = abi
        self.calls = []
        self.buffers = []
        self.relocs = []

    def buffer(self, size, content=b""):
        self.buffers.append((size, content))
        return len(self.buffers) - 1

    def call(self, label, op, args, first=0, count=0):
        """args: list of ints or ('buf', k, addend)."""
        values, refs = [], []
        for a in list(args) + [0] * (5 - len(args)):
            if isinstance(a, tuple):
                refs.append(a[1]); values.append(a[2])
            else:
                refs.append(NOT_A_POINTER); values.append(a)
        self.calls.append((op, first, count, refs, values, label))

    def encode(self):
        body = b""
        for op, first, count, refs, values, label in self.calls:
            body += struct.pack("<IHH5HHI5Q32s", op, first, count, *refs, 0, 0, *values,
                                label.encode()[:32])
        for holder, target, offset, addend, width in self.relocs:
            body += struct.pack("<HHIIB3x", holder, target, offset, addend, width)
        for size, content in self.buffers:
            body += struct.pack("<II", size, len(content)) + content
            body += b"\0" * (-len(content) % 8)
        total = 32 + len(body)
        header = struct.pack("<IHBBIIII8x", MAGIC, VERSION, self.abi, SENTINEL,
                             len(self.calls), len(self.buffers), len(self.relocs), total)
        return header + body


def build(abi):
    p = Plan(abi)
    word = 4 if abi == 32 else 8
    # xen_version sub-ops with an output buffer; buffers have slack past the struct.
    sizes = dict(extraversion=16, compile_info=64 + 16 + 32 + 32, capabilities=1024,
                 changeset=64, platform_parameters=word, get_features=8)
    for name, sub in XENVER.items():
        if name in sizes:
            k = p.buffer(sizes[name] + 16, struct.pack("<I", 0) if name == "get_features" else b"")
            p.call("xen_version." + name, HYPERVISOR_xen_version, [sub, ("buf", k, 0)], k, 1)
        else:
            p.call("xen_version." + name, HYPERVISOR_xen_version, [sub, 0])
    k = p.buffer(64)
    p.call("vcpu_op.get_runstate_info", HYPERVISOR_vcpu_op, [VCPUOP_get_runstate_info, 0, ("buf", k, 0)], k, 1)
    # struct xen_memory_map { unsigned int nr_entries; XEN_GUEST_HANDLE(void) buffer; }
    entries = 16
    mm = p.buffer(32, struct.pack("<I", entries) + b"\0" * (4 if abi == 64 else 0))
    e820 = p.buffer(20 * entries + 16)
    p.relocs.append((mm, e820, 4 if abi == 32 else 8, 0, word))
    p.call("memory_op.memory_map", HYPERVISOR_memory_op, [XENMEM_memory_map, ("buf", mm, 0)], mm, 2)
    dom = p.buffer(8, struct.pack("<H", DOMID_SELF))
    p.call("memory_op.current_reservation", HYPERVISOR_memory_op, [XENMEM_current_reservation, ("buf", dom, 0)], dom, 1)
    dom2 = p.buffer(8, struct.pack("<H", DOMID_SELF))
    p.call("memory_op.maximum_ram_page", HYPERVISOR_memory_op, [XENMEM_maximum_ram_page, ("buf", dom2, 0)], dom2, 1)
    p.call("set_timer_op.cancel", HYPERVISOR_set_timer_op, [0, 0] if abi == 32 else [0])
    p.call("sched_op.yield", HYPERVISOR_sched_op, [SCHEDOP_yield, 0])
    p.call("invalid.op", 60, [0, 0])
    p.call("invalid.xen_version_subop", HYPERVISOR_xen_version, [0x7fff, 0])
    return p.encode()


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--abi", type=int, choices=(32, 64), required=True)
    ap.add_argument("output")
    a = ap.parse_args()
    with open(a.output, "wb") as f:
        f.write(build(a.abi))


if __name__ == "__main__":
    main()
