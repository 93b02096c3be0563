/*
 * The hypercall plan, version 2: the binary format that `xen-detect abi plan`
 * writes and the test guest executes.
 * docs/test-guest.md is the description; this header is the guest's copy.
 * All integers are little-endian; records are packed with natural alignment.
 *
 *   header     32 bytes
 *   calls      call_count * 96 bytes
 *   relocs     relocation_count * 16 bytes
 *   buffers    buffer_count * (16-byte record + input bytes padded to 8)
 */
#ifndef XDG_PLAN_H
#define XDG_PLAN_H

#define PLAN_MAGIC            0x4c504458u /* "XDPL" */
#define PLAN_VERSION          2
#define PLAN_ARGS             5
#define PLAN_LABEL_SIZE       32
#define PLAN_NOT_A_POINTER    0xffffu
#define PLAN_MAX_CALLS        256
#define PLAN_MAX_BUFFERS      1024
#define PLAN_MAX_BUFFER_SIZE  65536u
#define PLAN_PAGE_SIZE        4096u   /* the largest buffer alignment; a frame is address / 4096 */
/* Relocation kinds: what is stored at the relocation's offset. */
#define PLAN_RELOC_ADDRESS    0       /* address(target) + addend */
#define PLAN_RELOC_FRAME      1       /* (address(target) + addend) / PLAN_PAGE_SIZE: a guest frame */
/* Local operations: a call whose op has this bit runs in the guest, not in Xen. */
#define PLAN_OP_LOCAL         0x80000000u
#define PLAN_OP_COPY          0x80000000u /* copy arg2 bytes from pointer arg1 to pointer arg0 */
#define PLAN_OP_SHOW          0x80000001u /* no operation: prints the call's buffers */

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
    uint8_t  kind;             /* PLAN_RELOC_ADDRESS or PLAN_RELOC_FRAME */
    uint8_t  reserved[2];
};

struct plan_buffer {
    uint32_t size;             /* bytes the guest reserves and prints */
    uint32_t input_length;     /* bytes of initial content that follow, <= size */
    uint32_t alignment;        /* 0 (64 bytes) or a power of two up to PLAN_PAGE_SIZE */
    uint32_t reserved;
};

_Static_assert(sizeof(struct plan_header) == 32, "plan header is 32 bytes");
_Static_assert(sizeof(struct plan_call) == 96, "plan call is 96 bytes");
_Static_assert(sizeof(struct plan_relocation) == 16, "plan relocation is 16 bytes");
_Static_assert(sizeof(struct plan_buffer) == 16, "plan buffer record is 16 bytes");

#endif
