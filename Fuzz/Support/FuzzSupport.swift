// Shared by every fuzz target: reading typed values out of libFuzzer's bytes, and property checks
// that stop the run with a message (libFuzzer then saves the input as a crash file).
#if canImport(Glibc)
import Glibc
#endif

/// Fails the run when a property does not hold. Not `assert`: that is compiled out at -O.
@inline(never)
func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
             file: StaticString = #fileID, line: UInt = #line) {
    if !condition() {
        let text = "property violated at \(file):\(line): \(message())\n"
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count) }
        abort()
    }
}

/// Consumes libFuzzer's input front to back; reads past the end give zeros, so every input
/// decodes to something.
struct FuzzBytes {
    private let bytes: [UInt8]
    private(set) var position = 0

    init(_ data: UnsafePointer<UInt8>?, _ count: Int) {
        bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    }

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { position >= bytes.count }
    var remaining: Int { max(0, bytes.count - position) }
    var all: [UInt8] { bytes }

    mutating func byte() -> UInt8 {
        guard position < bytes.count else { position += 1; return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func uint32() -> UInt32 {
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(byte()) << (8 * UInt32(i)) }
        return v
    }

    mutating func uint64() -> UInt64 { UInt64(uint32()) | UInt64(uint32()) << 32 }

    mutating func bool() -> Bool { byte() & 1 == 1 }

    /// The rest of the input.
    mutating func rest() -> [UInt8] {
        guard position < bytes.count else { return [] }
        defer { position = bytes.count }
        return Array(bytes[position...])
    }

    /// Up to `count` bytes.
    mutating func take(_ count: Int) -> [UInt8] {
        let n = min(count, remaining)
        defer { position += n }
        return n > 0 ? Array(bytes[position..<(position + n)]) : []
    }
}
