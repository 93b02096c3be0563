/* The test guests' output line: a buffer, and its hex/decimal writers. Shared by the PVH guest
 * (guest.c) and the PV guest (pv.c); each has its own end_line, which writes the line out the way
 * its guest type can. Included once, by one .c file of each guest. */
#ifndef XD_GUEST_LINE_H
#define XD_GUEST_LINE_H
#include <stddef.h>
#include <stdint.h>

static char line[512];
static size_t line_length;

static void put_char(char c)
{
    if (line_length < sizeof(line) - 1)
        line[line_length++] = c;
}

static void put_str(const char *s)
{
    while (*s) put_char(*s++);
}

static void put_hex(uint64_t v, int digits)
{
    static const char hex[] = "0123456789abcdef";
    if (digits == 0) {
        digits = 1;
        for (uint64_t t = v >> 4; t; t >>= 4) digits++;
    }
    put_str("0x");
    for (int i = digits - 1; i >= 0; i--) put_char(hex[(v >> (i * 4)) & 0xf]);
}

static void put_bytes(const uint8_t *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        put_char(hex[p[i] >> 4]);
        put_char(hex[p[i] & 0xf]);
    }
}

static void put_dec(int64_t v)
{
    char digits[24];
    int n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    if (v < 0) put_char('-');
    do { digits[n++] = (char)('0' + u % 10); u /= 10; } while (u);
    while (n) put_char(digits[--n]);
}

#endif
