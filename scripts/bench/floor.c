// The floor of the default xen-detect run: only the work that run cannot avoid, as a static C
// program (gcc -O2 -static), for scripts/bench/detect.sh. It decides the drop-in's way —
// /sys/hypervisor when it is there (no CPUID), else plain CPUID (leaf 1's hypervisor bit, the
// hypervisor bases up to Xen's or the first unused one, Xen's leaves base+2 and base+1), else
// CPUID behind Xen's forced-emulation prefix (SIGILL outside a PV guest) — and prints the line.
// No options, no -q/-P/-H/-N: the benchmark runs the bare command.
//
// The CPUID functions keep the C shim's names (xd_cpuid, xd_cpuid_forced) and are not inlined,
// so scripts/bench/cpuid-count.gdb counts this program's CPUIDs exactly as it counts the Swift
// binary's.
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

typedef struct { uint32_t a, b, c, d; } regs;

#define HYPERVISOR_BIT (1u << 31)     // CPUID.1:ECX[31]
#define LEAF_FIRST 0x40000000u        // public/arch-x86/cpuid.h: XEN_CPUID_FIRST_LEAF
#define LEAF_LAST 0x4000ff00u
#define LEAF_STRIDE 0x100u
#define FEAT1_MMU_PT_UPDATE_PRESERVE_AD 1u  // XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD

__attribute__((noinline)) void xd_cpuid(uint32_t leaf, regs *r)
{
    __asm__ volatile("cpuid" : "=a"(r->a), "=b"(r->b), "=c"(r->c), "=d"(r->d) : "a"(leaf), "c"(0));
}

static sigjmp_buf jump;
static void on_sigill(int sig) { (void)sig; siglongjmp(jump, 1); }

// 0 when Xen answered through the forced-emulation prefix, 1 when it faulted.
__attribute__((noinline)) int xd_cpuid_forced(uint32_t leaf, regs *r)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigill;
    sigaction(SIGILL, &sa, &old);
    volatile int faulted = 0;
    if (sigsetjmp(jump, 1) == 0) {
        uint32_t a = leaf, b, c = 0, d;
        // public/arch-x86/xen.h: XEN_EMULATE_PREFIX, "ud2a ; .ascii \"xen\"".
        __asm__ volatile(".byte 0x0f,0x0b,0x78,0x65,0x6e\n\tcpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
        r->a = a; r->b = b; r->c = c; r->d = d;
    } else {
        faulted = 1;
    }
    sigaction(SIGILL, &old, NULL);
    return faulted;
}

static int is_xen(const regs *r, uint32_t base)
{
    return r->b == 0x566e6558u && r->c == 0x65584d4du && r->d == 0x4d4d566eu  // "XenVMMXenVMM"
        && r->a >= base + 2;
}

static void say(const char *line) { (void)!write(1, line, strlen(line)); }

static int read_small(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0) return -1;
    buf[n] = 0;
    buf[strcspn(buf, "\n")] = 0;
    return 0;
}

int main(void)
{
    char line[80], type[32], major[16] = "0", minor[16] = "0";
    struct stat st;
    if (stat("/sys/hypervisor", &st) == 0 && S_ISDIR(st.st_mode)) {
        if (read_small("/sys/hypervisor/type", type, sizeof type) == 0 && strcmp(type, "xen") == 0) {
            char guest[16] = "HVM";
            if (read_small("/sys/hypervisor/guest_type", guest, sizeof guest) != 0) strcpy(guest, "PV");
            read_small("/sys/hypervisor/version/major", major, sizeof major);
            read_small("/sys/hypervisor/version/minor", minor, sizeof minor);
            snprintf(line, sizeof line, "Running in %s context on Xen V%s.%s.\n", guest, major, minor);
            say(line);
            return 0;
        }
        say("Not running on Xen.\n");
        return 0;
    }
    regs r;
    xd_cpuid(1, &r);
    if (r.c & HYPERVISOR_BIT) {
        for (uint32_t base = LEAF_FIRST; base <= LEAF_LAST; base += LEAF_STRIDE) {
            xd_cpuid(base, &r);
            if (is_xen(&r, base)) {
                xd_cpuid(base + 2, &r);
                if (r.c & FEAT1_MMU_PT_UPDATE_PRESERVE_AD) break;  // PV: decided below
                xd_cpuid(base + 1, &r);
                if (r.a == 0) break;
                snprintf(line, sizeof line, "Running in HVM context on Xen V%u.%u.\n", r.a >> 16, r.a & 0xffff);
                say(line);
                return 0;
            }
            if (r.a < base || r.a - base >= LEAF_STRIDE) break;  // the first unused base
        }
    }
    if (xd_cpuid_forced(LEAF_FIRST, &r) == 0 && is_xen(&r, LEAF_FIRST)) {
        xd_cpuid_forced(LEAF_FIRST + 1, &r);
        snprintf(line, sizeof line, "Running in PV context on Xen V%u.%u.\n", r.a >> 16, r.a & 0xffff);
        say(line);
        return 0;
    }
    say("Not running on Xen.\n");
    return 0;
}
