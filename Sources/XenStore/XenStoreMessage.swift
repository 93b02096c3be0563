import ABI64
import XenInterface

/// One message of the xenstore wire protocol (public/io/xs_wire.h): a struct xsd_sockmsg header
/// (its layout is the catalog's, proven against gcc) and the payload that follows it. Pure: bytes
/// in, message out, and back.
public struct XenStoreMessage: Sendable, Equatable {
    /// `type`: an `xsd_sockmsg_type` (XS_READ, XS_ERROR, ...).
    public let type: UInt32
    /// `req_id`: chosen by the client, echoed in the reply.
    public let requestID: UInt32
    /// `tx_id`: the transaction (0: none).
    public let transactionID: UInt32
    /// The `len` bytes after the header.
    public let payload: [UInt8]

    /// A message as given.
    public init(type: UInt32, requestID: UInt32, transactionID: UInt32 = 0, payload: [UInt8]) {
        self.type = type
        self.requestID = requestID
        self.transactionID = transactionID
        self.payload = payload
    }

    /// The header's layout: struct xsd_sockmsg (four uint32_t, the same in both ABIs).
    static let header = StructDescription.xsd_sockmsg.layout64
    /// Bytes of the header.
    public static let headerSize = header.size

    /// An XS_READ of `path`: the path and its NUL (xenstored's reads take a NUL-terminated path);
    /// nil when the path is empty, holds a NUL, or is longer than XENSTORE_ABS_PATH_MAX.
    public static func read(_ path: String, requestID: UInt32) -> XenStoreMessage? {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, !bytes.contains(0), bytes.count <= XENSTORE.ABS_PATH_MAX else { return nil }
        return XenStoreMessage(type: xsd_sockmsg_type.READ, requestID: requestID, payload: bytes + [0])
    }

    /// The header and the payload, as written to /dev/xen/xenbus.
    public var encoded: [UInt8] {
        let fields: [String: [UInt64]] = ["type": [UInt64(type)], "req_id": [UInt64(requestID)],
                                           "tx_id": [UInt64(transactionID)], "len": [UInt64(payload.count)]]
        // Every field is a uint32_t the values fit; a payload is at most XENSTORE_PAYLOAD_MAX.
        return ((try? Self.header.encode(StructValue(fields))) ?? []) + payload
    }

    /// What a buffer of reply bytes holds so far.
    public enum Decoded: Sendable, Equatable {
        /// Fewer bytes than a header, or than the header's `len`: read more.
        case incomplete
        /// One whole message, and how many bytes it took.
        case message(XenStoreMessage, consumed: Int)
        /// A header whose `len` exceeds XENSTORE_PAYLOAD_MAX: no such reply is valid.
        case oversized(UInt32)
    }

    /// The first message in `bytes`, if it is whole.
    public static func decode(_ bytes: [UInt8]) -> Decoded {
        guard bytes.count >= headerSize, let h = try? header.decode(bytes) else { return .incomplete }
        let length = UInt32(truncatingIfNeeded: h["len"] ?? 0)
        guard length <= XENSTORE.PAYLOAD_MAX else { return .oversized(length) }
        let end = headerSize + Int(length)
        guard bytes.count >= end else { return .incomplete }
        return .message(XenStoreMessage(type: UInt32(truncatingIfNeeded: h["type"] ?? 0),
                                        requestID: UInt32(truncatingIfNeeded: h["req_id"] ?? 0),
                                        transactionID: UInt32(truncatingIfNeeded: h["tx_id"] ?? 0),
                                        payload: Array(bytes[headerSize..<end])), consumed: end)
    }

    /// An XS_ERROR reply's error name ("ENOENT"): the payload up to its NUL.
    public var errorName: String {
        String(decoding: payload.prefix { $0 != 0 }, as: UTF8.self)
    }
}
