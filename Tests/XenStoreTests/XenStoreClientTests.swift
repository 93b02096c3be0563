import Synchronization
import Testing
import XenInterface
@testable import XenStore
import XenSystem

/// A /dev/xen/xenbus whose "xenstored" answers XS_READ from a dictionary, as xenstored does:
/// a relative path is read under this domain's home /local/domain/<id>; a missing node is
/// XS_ERROR "ENOENT". It can stay silent (no xenstored), hand the reply out in small pieces,
/// echo the wrong request id, or claim an oversized payload. It records every request.
final class SimulatedXenstored: XenbusCalls, Sendable {
    struct State {
        var nodes: [String: String] = [:]
        var home = "/local/domain/3"
        var present = true
        var openError: Errno? = nil
        var silent = false
        var chunk = Int.max
        var wrongID = false
        var oversized = false
        var queued: [UInt8] = []
        var requests: [XenStoreMessage] = []
        var open = 0
        var waits = 0
    }
    let state = Mutex(State())
    init(_ nodes: [String: String]) { state.withLock { $0.nodes = nodes } }
    func set(_ body: (inout State) -> Void) { state.withLock { body(&$0) } }
    var requests: [XenStoreMessage] { state.withLock { $0.requests } }
    var openDescriptors: Int { state.withLock { $0.open } }
    var waits: Int { state.withLock { $0.waits } }

    func open(_ path: String, _ mode: OpenMode) throws(SystemError) -> FileDescriptor {
        let result: Result<Void, Errno> = state.withLock { s in
            if let e = s.openError { return .failure(e) }
            guard s.present, path == XenStoreClient.devicePath else { return .failure(.noSuchFile) }
            s.open += 1
            return .success(())
        }
        if case .failure(let e) = result { throw SystemError("open", path, e) }
        return FileDescriptor(rawValue: 7)
    }
    func close(_ fd: FileDescriptor) { state.withLock { $0.open -= 1 } }
    func pread(_ fd: FileDescriptor, count: Int, offset: UInt64) throws(SystemError) -> [UInt8] { throw SystemError("pread", "xenbus", .invalidArgument) }
    func pwrite(_ fd: FileDescriptor, _ bytes: [UInt8], offset: UInt64) throws(SystemError) -> Int { throw SystemError("pwrite", "xenbus", .invalidArgument) }
    func readSmallFile(_ path: String) -> [UInt8]? { nil }
    func isDirectory(_ path: String) -> Bool { false }
    func effectiveUserID() -> UInt32 { 0 }

    func writeMessage(_ fd: FileDescriptor, _ bytes: [UInt8]) throws(SystemError) -> Int {
        state.withLock { s in
            guard case .message(let m, _) = XenStoreMessage.decode(bytes) else { return }
            s.requests.append(m)
            guard !s.silent else { return }
            let path = String(decoding: m.payload.prefix { $0 != 0 }, as: UTF8.self)
            let key = path.hasPrefix("/") ? path : s.home + "/" + path
            let id = s.wrongID ? m.requestID + 1 : m.requestID
            var reply = s.nodes[key].map { XenStoreMessage(type: xsd_sockmsg_type.READ, requestID: id, payload: Array($0.utf8)) }
                ?? XenStoreMessage(type: xsd_sockmsg_type.ERROR, requestID: id, payload: Array("ENOENT".utf8) + [0])
            if s.nodes[key] == "EACCES!" { reply = XenStoreMessage(type: xsd_sockmsg_type.ERROR, requestID: id, payload: Array("EACCES".utf8) + [0]) }
            var encoded = reply.encoded
            if s.oversized { encoded.replaceSubrange(12..<16, with: [0x01, 0x20, 0, 0]) }  // len 8193
            s.queued += encoded
        }
        return bytes.count
    }
    func waitForReply(_ fd: FileDescriptor, milliseconds: Int32) throws(SystemError) -> Bool {
        state.withLock { $0.waits += 1; return !$0.queued.isEmpty }
    }
    func readReply(_ fd: FileDescriptor, count: Int) throws(SystemError) -> [UInt8] {
        state.withLock { s in
            let n = min(count, s.chunk, s.queued.count)
            defer { s.queued.removeFirst(n) }
            return Array(s.queued.prefix(n))
        }
    }
}

struct XenStoreMessageTests {
    @Test func readRequestIsTheHeaderAndTheNULTerminatedPath() {
        let m = XenStoreMessage.read("domid", requestID: 5)!
        #expect(m.encoded == [2, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0] + Array("domid".utf8) + [0])
        #expect(XenStoreMessage.headerSize == 16)
        #expect(XenStoreMessage.read("", requestID: 1) == nil)
        #expect(XenStoreMessage.read("a\u{0}b", requestID: 1) == nil)
        #expect(XenStoreMessage.read(String(repeating: "a", count: XENSTORE.ABS_PATH_MAX + 1), requestID: 1) == nil)
    }

    @Test func decodeWaitsForWholeMessagesAndRejectsOversizedOnes() {
        let bytes = XenStoreMessage(type: xsd_sockmsg_type.READ, requestID: 9, payload: Array("3".utf8)).encoded
        #expect(XenStoreMessage.decode(Array(bytes.prefix(15))) == .incomplete)
        #expect(XenStoreMessage.decode(Array(bytes.dropLast())) == .incomplete)
        guard case .message(let m, let consumed) = XenStoreMessage.decode(bytes + [1, 2]) else { Issue.record("no message"); return }
        #expect(m.requestID == 9 && m.payload == [0x33] && consumed == 17)
        var big = bytes
        big.replaceSubrange(12..<16, with: [0x01, 0x10, 0, 0])  // 4097
        #expect(XenStoreMessage.decode(big) == .oversized(4097))
    }
}

struct XenStoreClientTests {
    @Test func readsRelativeAndAbsolutePathsAndMissingNodes() throws {
        let xenstored = SimulatedXenstored(["/local/domain/3/domid": "3", "/local/domain/0/backend/vbd/3/51712/state": "4"])
        do {
            let client = try XenStoreClient(system: xenstored)
            #expect(try client.read("domid") == "3")
            #expect(try client.read("/local/domain/0/backend/vbd/3/51712/state") == "4")
            #expect(try client.read("device/vbd/51712/backend") == nil)
            #expect(xenstored.requests.map(\.requestID) == [1, 2, 3])
            #expect(xenstored.requests.allSatisfy { $0.type == xsd_sockmsg_type.READ && $0.transactionID == 0 })
        }
        #expect(xenstored.openDescriptors == 0)
    }

    @Test func aReplyInPiecesIsReassembled() throws {
        let xenstored = SimulatedXenstored(["/local/domain/3/name": "pv-domu"])
        xenstored.set { $0.chunk = 3 }
        #expect(try XenStoreClient(system: xenstored).read("name") == "pv-domu")
    }

    /// No xenstored (a dom0 whose toolstack has not started it): one timeout, then no request more.
    @Test func noAnswerTimesOutOnceAndSendsNothingMore() throws {
        let xenstored = SimulatedXenstored([:])
        xenstored.set { $0.silent = true }
        let client = try XenStoreClient(system: xenstored, timeout: 50)
        #expect(throws: XenStoreError.noAnswer(milliseconds: 50)) { try client.read("domid") }
        #expect(throws: XenStoreError.noAnswer(milliseconds: 50)) { try client.read("name") }
        #expect(xenstored.requests.count == 1 && xenstored.waits == 1)
        #expect(XenStoreError.noAnswer(milliseconds: 2000).description == "xenstore did not answer within 2000 ms (xenstored not running?)")
        #expect(XenStoreError.noAnswer(milliseconds: 1).kind == .unavailable)
    }

    @Test func badRepliesAndRefusalsAreNamed() throws {
        let wrong = SimulatedXenstored(["/local/domain/3/domid": "3"])
        wrong.set { $0.wrongID = true }
        #expect(throws: XenStoreError.malformed("request id 2, expected 1")) { try XenStoreClient(system: wrong).read("domid") }
        let big = SimulatedXenstored(["/local/domain/3/domid": "3"])
        big.set { $0.oversized = true }
        #expect(throws: XenStoreError.malformed("a payload of 8193 bytes, more than 4096")) { try XenStoreClient(system: big).read("domid") }
        let refusing = SimulatedXenstored(["/local/domain/0/secret": "EACCES!"])
        #expect(throws: XenStoreError.refused(path: "/local/domain/0/secret", error: "EACCES")) {
            try XenStoreClient(system: refusing).read("/local/domain/0/secret")
        }
        #expect(throws: XenStoreError.badPath("")) { try XenStoreClient(system: refusing).read("") }
    }

    @Test func theDeviceAbsentOrRefused() {
        let absent = SimulatedXenstored([:])
        absent.set { $0.present = false }
        #expect(throws: XenStoreError.noDevice) { try XenStoreClient(system: absent) }
        let refused = SimulatedXenstored([:])
        refused.set { $0.openError = .permissionDenied }
        #expect(throws: XenStoreError.noPermission(.permissionDenied)) { try XenStoreClient(system: refused) }
        #expect(XenStoreError.noDevice.description == "/dev/xen/xenbus is absent: not a Xen guest, or the kernel has no xenbus")
    }
}
