// XenCompat: 32-bit guest <-> native 64-bit translation.
