/*
 * The hypercall plan, version 1: the binary format that `xen-detect abi plan`
 * writes and the test guest executes.
 * docs/test-guest.md is the description; this header is the guest's copy.
 * All integers are little-endian; records are packed with natural alignment.
 *
 *   header     32 bytes
 *   calls      call_count * 96 bytes
 *   relocs     relocation_count * 16 bytes
 *   buffers    buffer_count * (8-byte record + input bytes padded to 8)
 */
#ifndef XDG_PLAN_H
#define XDG_PLAN_H

#define PLAN_MAGIC            0x4c504458u /* "XDPL" */
#define PLAN_VERSION          1
#define PLAN_ARGS             5
#define PLAN_LABEL_SIZE       32
#define PLAN_NOT_A_POINTER    0xffffu
#define PLAN_MAX_CALLS        256
#define PLAN_MAX_BUFFERS      1024
#define PLAN_MAX_BUFFER_SIZE  65536u

struct plan_header {
    uint32_t magic;
    uint16_t version;
    uint8_t  abi;              /* 32 or 64: the guest refuses a plan for the other ABI */
    uint8_t  sentinel;         /* every buffer byte past its input is set to this */
    uint32_t call_count;
    uint32_t buffer_count;
    uint32_t relocation_count;
    uint32_t total_length;     /* of the whole plan, header included */
    uint32_t reserved[2];
};

struct plan_call {
    uint32_t op;               /* hypercall number: entry op of the hypercall page */
    uint16_t first_buffer;     /* buffers [first_buffer, first_buffer+buffer_count) */
    uint16_t buffer_count;     /*   are printed after the call */
    uint16_t arg_buffer[PLAN_ARGS]; /* PLAN_NOT_A_POINTER, or k: register = address(k) + arg */
    uint16_t reserved16;
    uint32_t reserved32;
    uint64_t arg[PLAN_ARGS];   /* register values (32-bit ABI: each must fit in 32 bits) */
    char     label[PLAN_LABEL_SIZE]; /* NUL-padded name echoed in the output */
};

/* A pointer stored inside a buffer (e.g. xen_memory_map.buffer). */
struct plan_relocation {
    uint16_t buffer;           /* buffer that holds the pointer */
    uint16_t target;           /* buffer it points to */
    uint32_t offset;           /* where in `buffer` the pointer is stored */
    uint32_t addend;           /* pointer = address(target) + addend */
    uint8_t  width;            /* 4 or 8 bytes */
    uint8_t  reserved[3];
};

struct plan_buffer {
    uint32_t size;             /* bytes the guest reserves and prints */
    uint32_t input_length;     /* bytes of initial content that follow, <= size */
};

_Static_assert(sizeof(struct plan_header) == 32, "plan header is 32 bytes");
_Static_assert(sizeof(struct plan_call) == 96, "plan call is 96 bytes");
_Static_assert(sizeof(struct plan_relocation) == 16, "plan relocation is 16 bytes");
_Static_assert(sizeof(struct plan_buffer) == 8, "plan buffer record is 8 bytes");

#endif
