import PrivcmdHypercalls
import XenInterface
import XenSystem

extension PrivcmdHypercaller {
    /// Xen copies `count` bytes from one page this process granted to another, GNTTABOP_copy
    /// between two grants of this domain's own table: the proof that Xen resolves this domain's
    /// grants without mapping one (Linux 6.1 oopsed at process exit after mapping its own grant
    /// in HVM and PVH guests: `GrantTableSelfTest.unsafeReason`). Only pages of this process's
    /// `GrantAllocatorDevice` can be named, so the copy writes nothing but memory this process
    /// owns; Xen refuses a page granted to another domain (GNTST_permission_denied). Returns the
    /// entry's status (`.okay` when Xen copied); the range must stay inside each page.
    public func copy(_ count: Int, from source: borrowing GrantedPage, at sourceOffset: Int,
                     to destination: borrowing GrantedPage, at destinationOffset: Int) throws(HypercallError) -> GrantStatus {
        guard let copy = OwnGrantCopy(from: source.ref, at: sourceOffset, to: destination.ref, at: destinationOffset, length: count) else {
            throw HypercallError(.usage, "a grant copy of \(count) bytes at offsets \(sourceOffset) and \(destinationOffset) leaves a \(XEN_PAGE_SIZE)-byte page")
        }
        return try copyBetweenOwnGrants(copy)
    }
}
