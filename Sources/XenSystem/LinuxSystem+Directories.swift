// Raw layer: directory listing and readlink(2) for `DirectoryCalls`.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension LinuxSystem: DirectoryCalls {
    /// opendir(3) and readdir(3) until NULL; errno from opendir, or from a readdir that failed.
    public func listDirectory(_ path: String) throws(SystemError) -> [String] {
        guard let directory = unsafe opendir(path) else { throw SystemError("opendir", path, .current) }
        defer { _ = unsafe closedir(directory) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = unsafe readdir(directory) else {
                if errno != 0 { throw SystemError("readdir", path, .current) }
                break
            }
            let name = unsafe withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                unsafe tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) {
                    unsafe String(cString: $0)
                }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// readlink(2) into a PATH_MAX buffer; a target that fills it is ENAMETOOLONG, not truncated.
    public func readLink(_ path: String) throws(SystemError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
        let n = unsafe buffer.withUnsafeMutableBufferPointer { unsafe readlink(path, $0.baseAddress!, $0.count) }
        if n < 0 { throw SystemError("readlink", path, .current) }
        if n == buffer.count { throw SystemError("readlink", path, Errno(rawValue: ENAMETOOLONG)) }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
