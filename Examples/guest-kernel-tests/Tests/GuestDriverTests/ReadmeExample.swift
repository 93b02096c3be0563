// The README's "Using the libraries in your own tests" shows this file: it is compiled and run here.
import ABI32
import ABI64
import Testing
import XenCompat
import XenInterface

let myRequest = StructDescription("my_request", "my/ring.h", [
    .u32("id"), .u64("sector"), .xenUlong("nr_frames"), .handle("frames"),
])

@Test func layoutAndTranslation() throws {
    #expect(myRequest.layout32.field("sector")?.offset == 4)  // i386: uint64_t is 4-aligned
    #expect(myRequest.layout64.field("sector")?.offset == 8)
    let compat = [UInt8](repeating: 0, count: myRequest.layout32.size)
    #expect(try CompatTranslator(myRequest).toNative(compat).count == myRequest.layout64.size)
}
