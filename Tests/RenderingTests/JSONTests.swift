import Testing
import Rendering

@Suite struct JSONTests {
    @Test func rendersPrettyAndCompact() {
        let v = JSONValue.object([("a", .int(-1)), ("b", .array([.bool(true), .null])), ("c", .object([])),
                                  ("d", .uint(UInt64.max)), ("e", .string("q\"\\\n\u{1}"))])
        #expect(v.compact == #"{"a": -1, "b": [true, null], "c": {}, "d": 18446744073709551615, "e": "q\"\\\n\u0001"}"#)
        #expect(v.rendered == """
            {
              "a": -1,
              "b": [
                true,
                null
              ],
              "c": {},
              "d": 18446744073709551615,
              "e": "q\\"\\\\\\n\\u0001"
            }
            """)
    }

    @Test func numberPicksSignedWhenItFits() {
        #expect(JSONValue.number(UInt32.max) == .int(4_294_967_295))
        #expect(JSONValue.number(UInt64.max) == .uint(UInt64.max))
    }
}
