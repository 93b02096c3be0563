import PVExtensions
import PrivcmdHypercalls
import XenSystem

extension GrantTableInfo {
    /// This guest's grant table as Xen answers through /dev/xen/privcmd: GNTTABOP_get_version and
    /// GNTTABOP_query_size of DOMID_SELF, both read-only. When privcmd cannot be opened (not
    /// root, the module not loaded) or a call is refused, the values stay unknown and
    /// `unknownBecause` says why in one line (a domU's kernel blocking privcmd, by its advice).
    public static func query(_ system: any HypervisorCalls) -> GrantTableInfo {
        do throws(HypercallError) {
            let hypercaller = try PrivcmdHypercaller(system: system)
            do throws(HypercallError) {
                let version = try hypercaller.grantTableVersion()
                let size = try hypercaller.grantTableSize()
                return GrantTableInfo(version: Int(version), framesInUse: Int(size.frames), maxFrames: Int(size.maximumFrames))
            } catch {
                let blocked = error.errno == .notPermitted && (try? hypercaller.xenVersion(.version).result.errno) == .EPERM
                return unknown(blocked ? PrivcmdHypercaller.kernelBlocksMessage : error.description)
            }
        } catch {
            return unknown(error.description)
        }
    }

    static func unknown(_ why: String) -> GrantTableInfo {
        GrantTableInfo(version: nil, framesInUse: nil, maxFrames: nil, unknownBecause: "not in sysfs, and \(why)")
    }
}
