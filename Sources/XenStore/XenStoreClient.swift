import XenInterface
import XenSystem

/// Reading xenstore nodes: what the inventory and the self-tests need of a xenstore client, so
/// they run against a dictionary in tests.
public protocol XenStoreReading {
    /// The value of the node at `path` (absolute, or relative to this domain's home
    /// /local/domain/<id>); nil when there is no such node (XS_ERROR ENOENT).
    func read(_ path: String) throws(XenStoreError) -> String?
}

/// A read-only xenstore client over /dev/xen/xenbus: it sends nothing but XS_READ. Each request
/// waits at most `timeout` for its reply; after one timeout (a dom0 without xenstored, say) it
/// sends nothing more and answers every later read with the same error at once, so a caller
/// never waits twice. The descriptor is closed when the client ends.
public final class XenStoreClient: XenStoreReading {
    /// Linux's user-space xenstore device (drivers/xen/xenbus/xenbus_dev_frontend.c).
    public static let devicePath = "/dev/xen/xenbus"
    /// The default wait for a reply.
    public static let defaultTimeout: Int32 = 2000

    let system: any XenbusCalls
    let fd: FileDescriptor
    /// The wait for each reply, in milliseconds.
    public let timeout: Int32
    private var nextRequest: UInt32 = 1
    private var timedOut = false
    private var pending: [UInt8] = []

    /// Opens /dev/xen/xenbus: absent is `.noDevice`, refused `.noPermission`.
    public init(system: any XenbusCalls, timeout: Int32 = XenStoreClient.defaultTimeout) throws(XenStoreError) {
        self.system = system
        self.timeout = timeout
        do {
            fd = try system.open(Self.devicePath, .readWrite)
        } catch {
            switch error.kind {
            case .missing: throw XenStoreError.noDevice
            case .permission: throw XenStoreError.noPermission(error.errno)
            default: throw XenStoreError.system(error)
            }
        }
    }

    deinit { system.close(fd) }

    public func read(_ path: String) throws(XenStoreError) -> String? {
        if timedOut { throw XenStoreError.noAnswer(milliseconds: timeout) }
        let id = nextRequest
        nextRequest &+= 1
        guard let request = XenStoreMessage.read(path, requestID: id) else { throw XenStoreError.badPath(path) }
        let reply = try exchange(request)
        switch reply.type {
        case xsd_sockmsg_type.READ:
            return String(decoding: reply.payload, as: UTF8.self)
        case xsd_sockmsg_type.ERROR where reply.errorName == "ENOENT":
            return nil
        case xsd_sockmsg_type.ERROR:
            throw XenStoreError.refused(path: path, error: reply.errorName)
        default:
            throw XenStoreError.malformed("type \(reply.type) in reply to XS_READ")
        }
    }

    /// Writes `request`, then reads until its whole reply arrived or the timeout passed.
    private func exchange(_ request: XenStoreMessage) throws(XenStoreError) -> XenStoreMessage {
        let bytes = request.encoded
        let written: Int
        do throws(SystemError) { written = try system.writeMessage(fd, bytes) } catch { throw .system(error) }
        guard written == bytes.count else { throw .malformed("the kernel took \(written) of \(bytes.count) bytes") }
        while true {
            switch XenStoreMessage.decode(pending) {
            case .message(let reply, let consumed):
                pending.removeFirst(consumed)
                guard reply.requestID == request.requestID else {
                    throw .malformed("request id \(reply.requestID), expected \(request.requestID)")
                }
                return reply
            case .oversized(let length):
                throw .malformed("a payload of \(length) bytes, more than \(XENSTORE.PAYLOAD_MAX)")
            case .incomplete:
                let ready: Bool
                do throws(SystemError) { ready = try system.waitForReply(fd, milliseconds: timeout) } catch { throw .system(error) }
                guard ready else {
                    timedOut = true
                    throw .noAnswer(milliseconds: timeout)
                }
                let more: [UInt8]
                do throws(SystemError) {
                    more = try system.readReply(fd, count: XenStoreMessage.headerSize + XENSTORE.PAYLOAD_MAX)
                } catch { throw .system(error) }
                guard !more.isEmpty else { throw .malformed("end of file") }
                pending += more
            }
        }
    }
}

/// A reader for when the client could not open: every read fails with that error, so a caller
/// that reads many nodes says once, per node, why none could be read.
public struct XenStoreUnavailable: XenStoreReading, Sendable {
    /// Why the client could not open.
    public let error: XenStoreError
    /// A reader failing with `error`.
    public init(_ error: XenStoreError) { self.error = error }
    public func read(_ path: String) throws(XenStoreError) -> String? { throw error }
}

extension XenStoreClient {
    /// A client on `system`, or, when it cannot open, a reader that says why on every read.
    public static func reader(system: any XenbusCalls, timeout: Int32 = defaultTimeout) -> any XenStoreReading {
        do throws(XenStoreError) { return try XenStoreClient(system: system, timeout: timeout) } catch { return XenStoreUnavailable(error) }
    }
}
