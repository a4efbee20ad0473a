import Foundation
import Testing
@testable import BGMD
import TestSupport

@Suite struct MatrixFileTests {
  let directory = temporaryDirectory("io", create: true)

  func file(_ name: String, _ contents: String) throws -> String {
    let path = directory.appendingPathComponent(name).path
    try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// A .npy file with the given header dict and payload.
  func npy(major: UInt8, header: String, payload: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, major, 0]
    let h = Array(header.utf8)
    if major == 1 {
      bytes += [UInt8(h.count & 0xFF), UInt8(h.count >> 8)]
    } else {
      bytes += [UInt8(h.count & 0xFF), UInt8((h.count >> 8) & 0xFF), 0, 0]
    }
    return bytes + h + payload
  }

  func doubles(_ values: [Double]) -> [UInt8] { littleEndianBytes(values) }

  func error(_ body: () throws -> Any) -> MatrixFileError? {
    do {
      _ = try body()
      return nil
    } catch let e as MatrixFileError {
      return e
    } catch {
      return nil
    }
  }

  @Test func npyVersionsAndDtypes() throws {
    let v1 = npy(major: 1, header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }\n",
                 payload: doubles([1, 2, 3, 4, 5, 6]))
    #expect(try NPYFormat.read(v1, file: "a.npy") == .float64(try Matrix([[1, 2, 3], [4, 5, 6]])))
    let v2 = npy(major: 2, header: "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }\n",
                 payload: doubles([7, 8]))
    #expect(try NPYFormat.read(v2, file: "a.npy") == .float64(try Matrix([[7, 8]])))
    let floats: [UInt8] = littleEndianBytes([Float(1.5), Float(-2)])
    let v3 = npy(major: 3, header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", payload: floats)
    #expect(try NPYFormat.read(v3, file: "a.npy") == .float32(try Matrix([[1.5, -2]])))
    // Round trip of the writer.
    let written = NPYFormat.encode(vector: [0.25, -3.0, 1e200])
    #expect(try NPYFormat.read(written, file: "w.npy") == .float64(try Matrix([[0.25, -3, 1e200]])))
    #expect(written.count % 64 == 24 % 64 || (written.count - 24) % 64 == 0)
  }

  @Test func malformedNpyNamesTheField() throws {
    let fortran = npy(major: 1, header: "{'descr': '<f8', 'fortran_order': True, 'shape': (1, 1), }\n", payload: doubles([1]))
    #expect(error { try NPYFormat.read(fortran, file: "f.npy") }?.location == "header field 'fortran_order'")
    let bigEndian = npy(major: 1, header: "{'descr': '>f8', 'fortran_order': False, 'shape': (1, 1), }\n", payload: doubles([1]))
    let e = error { try NPYFormat.read(bigEndian, file: "b.npy") }
    #expect(e?.location == "header field 'descr'" && e?.file == "b.npy")
    let ints = npy(major: 1, header: "{'descr': '<i8', 'fortran_order': False, 'shape': (1, 1), }\n", payload: doubles([1]))
    #expect(error { try NPYFormat.read(ints, file: "i.npy") }?.location == "header field 'descr'")
    let short = npy(major: 1, header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }\n", payload: doubles([1]))
    #expect(error { try NPYFormat.read(short, file: "s.npy") }?.location == "data")
    let rank3 = npy(major: 1, header: "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1), }\n", payload: doubles([1]))
    #expect(error { try NPYFormat.read(rank3, file: "r.npy") }?.location == "header field 'shape'")
    let missing = npy(major: 1, header: "{'descr': '<f8', 'shape': (1, 1), }\n", payload: doubles([1]))
    #expect(error { try NPYFormat.read(missing, file: "m.npy") }?.location == "header field 'fortran_order'")
    #expect(error { try NPYFormat.read(Array("not numpy at all".utf8), file: "x.npy") }?.location == "magic string")
    let noRows = npy(major: 1, header: "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }\n", payload: [])
    #expect(error { try NPYFormat.read(noRows, file: "z.npy") }?.location == "header field 'shape'")
  }

  @Test func csvReadsRowsAndLocatesErrors() throws {
    #expect(try CSVFormat.read("1,2,3\n4, 5 ,6e0\r\n\n", file: "a.csv") == (try Matrix([[1, 2, 3], [4, 5, 6]])))
    let ragged = error { try CSVFormat.read("1,2\n3,4\n5\n", file: "r.csv") }
    #expect(ragged?.file == "r.csv" && ragged?.location == "line 3")
    let word = error { try CSVFormat.read("1,2\n3,x\n", file: "w.csv") }
    #expect(word?.location == "line 2, field 2")
    #expect(error { try CSVFormat.read("a,b\n1,2\n", file: "h.csv") }?.location == "line 1, field 1")
    #expect(error { try CSVFormat.read("", file: "e.csv") }?.location == "line 1")
    #expect(CSVFormat.encode(vector: [1.5, -2, .nan]) == "1.5,-2.0,nan\n")
  }

  @Test func jsonReadsArraysOfArraysAndLocatesErrors() throws {
    let data = Data("[[1, 2.5], [-3e2, 4]]".utf8)
    #expect(try JSONMatrixFormat.read(data, file: "a.json") == (try Matrix([[1, 2.5], [-300, 4]])))
    #expect(error { try JSONMatrixFormat.read(Data("[[1, 2], [3]]".utf8), file: "r.json") }?.location == "[1]")
    #expect(error { try JSONMatrixFormat.read(Data("[[1, \"x\"]]".utf8), file: "s.json") }?.location == "[0][1]")
    #expect(error { try JSONMatrixFormat.read(Data("[[1, true]]".utf8), file: "b.json") }?.location == "[0][1]")
    #expect(try JSONMatrixFormat.read(Data("[1, 2]".utf8), file: "v.json") == (try Matrix([[1, 2]])))
    #expect(error { try JSONMatrixFormat.read(Data("[1, [2]]".utf8), file: "f.json") }?.location == "[1]")
    #expect(error { try JSONMatrixFormat.read(Data("[[1], 2]".utf8), file: "g.json") }?.location == "[1]")
    #expect(error { try JSONMatrixFormat.read(Data("{}".utf8), file: "o.json") }?.location == "document")
    #expect(error { try JSONMatrixFormat.read(Data("[]".utf8), file: "e.json") }?.location == "document")
    #expect(error { try JSONMatrixFormat.read(Data("[[1]] x".utf8), file: "t.json") }?.location == "document")
    #expect(JSONMatrixFormat.encode(vector: [1.0, .infinity]) == "[1.0,null]\n")
  }

  @Test func filesByExtension() throws {
    let csv = try file("m.csv", "1,2\n3,4\n")
    #expect(try MatrixFile.read(path: csv) == .float64(try Matrix([[1, 2], [3, 4]])))
    let json = try file("m.json", "[[1,2],[3,4]]")
    #expect(try MatrixFile.read(path: json).asDouble == (try Matrix([[1, 2], [3, 4]])))
    for ext in ["npy", "csv", "json"] {
      let path = directory.appendingPathComponent("v.\(ext)").path
      try MatrixFile.write(vector: [0.5, -1.25, 3], path: path)
      #expect(try MatrixFile.read(path: path).asDouble == (try Matrix([[0.5, -1.25, 3]])), "\(ext)")
    }
    let unknown = try file("m.txt", "1")
    #expect(error { try MatrixFile.read(path: unknown) }?.location == "file name")
    let absent = directory.appendingPathComponent("absent.csv").path
    #expect(error { try MatrixFile.read(path: absent) }?.file == absent)
  }
}
