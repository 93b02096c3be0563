/// What reading sysfs takes beyond `SystemCalls`: a directory's entries and where a symbolic link
/// points. sysfs describes devices by links (`/sys/block/xvda` -> `../devices/vbd-51712/block/xvda`,
/// `driver` -> `../../bus/xen/drivers/vbd`), so a device's bus and driver are read from them.
/// `LinuxSystem` is the real one; XenSystemTesting's `RecordingDirectorySystem` the fake.
public protocol DirectoryCalls: SystemCalls {
    /// The names in directory `path` (opendir(3)/readdir(3)), without "." and "..", sorted; the
    /// error names the path and errno (ENOENT, ENOTDIR, EACCES).
    func listDirectory(_ path: String) throws(SystemError) -> [String]
    /// The target of the symbolic link `path` as stored (readlink(2): often relative); EINVAL
    /// when `path` is not a link, ENOENT when it does not exist.
    func readLink(_ path: String) throws(SystemError) -> String
}
