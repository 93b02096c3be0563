import XenInterface

/// How a native → compat translation treats a native value that its 32-bit compat field (or
/// array element) cannot hold.
public enum NarrowingPolicy: Sendable, Hashable {
    /// This project's policy, and the default: refuse the value (-ERANGE, naming the member, or
    /// the array element's index), never truncate, because a silent truncation hides a bug. Xen
    /// does not do this in general: see `xen`.
    case strict
    /// Xen's behaviour in `release`: what its generated `XLAT_*` assignment does (keep the low
    /// bits), except at the call sites where Xen compares first and refuses (`XenNarrowing`):
    /// those values are refused in this mode too, with Xen's reason. Native members the compat
    /// layout lacks are dropped, as the `XLAT_` macro drops them.
    case xen(XenRelease)

    /// The newest modelled Xen release.
    public static let xen = NarrowingPolicy.xen(.latest)
}

/// The Xen releases whose native → compat narrowing differs for the covered structures.
public enum XenRelease: String, Sendable, Hashable, CaseIterable {
    /// RELEASE-4.17.0 to RELEASE-4.17.7 (Debian 12's Xen, and the real-Xen stage's).
    case v4_17 = "4.17"
    /// RELEASE-4.18.0 and later: read up to xen.git master c447b7308b13 (2026-08-20). The
    /// difference from 4.17: gnttab_setup_table's frame list is checked (commit 1043dfb165,
    /// "gnttab: don't silently truncate GFNs in compat setup-table handling"). Not modelled: since
    /// 4.21 (commit 9f892f84c2) arch_get_info_guest no longer writes cpu_user_regs' error_code
    /// and entry_vector at all, where this mode still assigns them as 4.17...4.20 do.
    case v4_18 = "4.18"

    /// The newest modelled release.
    public static let latest = XenRelease.v4_18
}
