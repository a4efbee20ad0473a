import Foundation
import Randomness
import RealModule
import Testing
@testable import BGMD

/// The front door of `bgmd aggregate`: the in-place `.npy` reader against
/// the in-memory one (same matrices, same errors on hostile files), and the
/// fast kernels of the mean and block-gm rules against their plain
/// references, bit for bit, on shapes that cross the chunk (4096 columns),
/// row-group (8 rows) and SIMD-strip (16 columns) edges.
@Suite struct AggregateFrontDoorTests {
  static func npy(descr: String = "<f8", shape: String, payload: [UInt8], major: UInt8 = 1,
                  fortran: String = "False") -> [UInt8] {
    var header = "{'descr': '\(descr)', 'fortran_order': \(fortran), 'shape': \(shape), }"
    let lengthBytes = major == 1 ? 2 : 4
    while (8 + lengthBytes + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    let h = Array(header.utf8)
    let length: [UInt8] = major == 1
      ? [UInt8(h.count & 0xFF), UInt8(h.count >> 8)]
      : [UInt8(h.count & 0xFF), UInt8((h.count >> 8) & 0xFF), 0, 0]
    return [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, major, 0] + length + h + payload
  }

  static func bytes<T: BinaryFloatingPoint>(_ values: [T]) -> [UInt8] {
    values.flatMap { v -> [UInt8] in
      if let f = v as? Float { return withUnsafeBytes(of: f.bitPattern.littleEndian) { Array($0) } }
      return withUnsafeBytes(of: Double(v).bitPattern.littleEndian) { Array($0) }
    }
  }

  let directory: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("bgmd-frontdoor-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }()

  func write(_ name: String, _ bytes: [UInt8]) throws -> String {
    let url = directory.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
  }

  static func error(_ body: () throws -> Any) -> MatrixFileError? {
    do {
      _ = try body()
      return nil
    } catch {
      return error as? MatrixFileError
    }
  }

  static func gaussian<T: BinaryFloatingPoint>(_: T.Type, b: Int, d: Int, seed: UInt64) -> Matrix<T> {
    var rng = Xoshiro256(seed: seed)
    var g = Matrix<T>(rows: b, columns: d, repeating: 0)
    for t in g.storage.indices {
      // Magnitudes over several decades, so the order of additions shows.
      g.storage[t] = T(rng.standardNormal() * Double.exp(3 * rng.standardNormal()))
    }
    return g
  }

  @Test func inPlaceReaderGivesTheSameMatrixAsTheBytesReader() throws {
    let floats = Self.gaussian(Float.self, b: 3, d: 5, seed: 1).storage
    let doubles = Self.gaussian(Double.self, b: 2, d: 7, seed: 2).storage
    let cases: [(String, [UInt8])] = [
      ("f4.npy", Self.npy(descr: "<f4", shape: "(3, 5)", payload: Self.bytes(floats))),
      ("f8.npy", Self.npy(shape: "(2, 7)", payload: Self.bytes(doubles))),
      ("v2.npy", Self.npy(shape: "(2, 7)", payload: Self.bytes(doubles), major: 2)),
      ("vector.npy", Self.npy(descr: "<f4", shape: "(15,)", payload: Self.bytes(floats))),
    ]
    for (name, bytes) in cases {
      let path = try write(name, bytes)
      let inPlace = try NPYFormat.readFile(path: path)
      #expect(inPlace == (try NPYFormat.read(bytes, file: path)), "\(name)")
      #expect(try MatrixFile.read(path: path) == inPlace, "\(name)")
    }
    // <f4 stays Float32, bit for bit (NaN payloads and -0 included).
    let special: [Float] = [-0.0, .nan, .infinity, .leastNonzeroMagnitude, Float(bitPattern: 0x7FC0_1234)]
    let path = try write("special.npy", Self.npy(descr: "<f4", shape: "(1, 5)", payload: Self.bytes(special)))
    guard case let .float32(m) = try NPYFormat.readFile(path: path) else {
      Issue.record("<f4 read as another type")
      return
    }
    #expect(m.storage.map(\.bitPattern) == special.map(\.bitPattern))
  }

  /// Data of 32 MiB and more are read in two parts side by side, into pages
  /// advised to be huge (`_adviseHugePages`): every entry lands where it
  /// belongs, across the split and the 2 MiB page edges, and a file cut
  /// short in the second part is still a located error.
  @Test func largeFilesReadInPartsGiveTheSameMatrix() throws {
    let b = 3, d = (36 << 20) / 12 + 5
    let values = (0..<(b * d)).map { Float(bitPattern: UInt32(truncatingIfNeeded: $0 &* 2_654_435_761) & 0x7F7F_FFFF) }
    let bytes = Self.npy(descr: "<f4", shape: "(\(b), \(d))", payload: Self.bytes(values))
    let path = try write("large.npy", bytes)
    guard case let .float32(m) = try NPYFormat.readFile(path: path) else {
      Issue.record("<f4 read as another type")
      return
    }
    #expect(m.rows == b && m.columns == d)
    #expect(m.storage.map(\.bitPattern) == values.map(\.bitPattern))
    let cut = try write("large-cut.npy", Array(bytes.dropLast(4)))
    #expect(Self.error { try NPYFormat.readFile(path: cut) }?.location == "data")
  }

  @Test func inPlaceReaderRejectsHostileFilesAsTheBytesReaderDoes() throws {
    let good = Self.npy(shape: "(2, 3)", payload: [UInt8](repeating: 0, count: 48))
    var longHeader = good
    longHeader[8] = 0xFF
    longHeader[9] = 0xFF
    var v2Short = Self.npy(shape: "(2, 3)", payload: [], major: 2)
    v2Short = Array(v2Short.prefix(11))
    let cases: [(String, [UInt8])] = [
      ("empty", []),
      ("five bytes", Array(good.prefix(5))),
      ("magic only", Array(good.prefix(9))),
      ("not numpy", Array("not numpy at all".utf8)),
      ("version 9", { var b = good; b[6] = 9; return b }()),
      ("v2 length cut", v2Short),
      ("header past end", longHeader),
      ("header cut", Array(good.prefix(40))),
      ("data short", Array(good.dropLast(1))),
      ("data long", good + [0]),
      ("fortran", Self.npy(shape: "(2, 3)", payload: [UInt8](repeating: 0, count: 48), fortran: "True")),
      ("big endian", Self.npy(descr: ">f8", shape: "(2, 3)", payload: [UInt8](repeating: 0, count: 48))),
      ("ints", Self.npy(descr: "<i4", shape: "(2, 3)", payload: [UInt8](repeating: 0, count: 24))),
      ("rank 3", Self.npy(shape: "(1, 2, 3)", payload: [UInt8](repeating: 0, count: 48))),
      ("zero rows", Self.npy(shape: "(0, 3)", payload: [])),
      ("zero columns", Self.npy(shape: "(4, 0)", payload: [])),
      ("overflow", Self.npy(shape: "(1000000000000, 1000000000000)", payload: [UInt8](repeating: 0, count: 64))),
      ("byte overflow", Self.npy(shape: "(2305843009213693953, 1)", payload: [UInt8](repeating: 0, count: 64))),
      ("huge int", Self.npy(shape: "(99999999999999999999999, 1)", payload: [UInt8](repeating: 0, count: 8))),
    ]
    for (index, (name, bytes)) in cases.enumerated() {
      let path = try write("hostile-\(index).npy", bytes)
      let fromBytes = Self.error { try NPYFormat.read(bytes, file: path) }
      let inPlace = Self.error { try NPYFormat.readFile(path: path) }
      #expect(fromBytes != nil, "\(name): the bytes reader accepted it")
      #expect(inPlace == fromBytes, "\(name): \(inPlace?.description ?? "no error") vs \(fromBytes?.description ?? "no error")")
    }
    let directoryError = Self.error { try NPYFormat.readFile(path: directory.path) }
    #expect(directoryError?.location == "file", "\(directoryError?.description ?? "no error")")
    let missing = Self.error { try NPYFormat.readFile(path: directory.appendingPathComponent("absent.npy").path) }
    #expect(missing?.problem.contains("cannot be read") == true, "\(missing?.description ?? "no error")")
  }

  static let shapes: [(Int, Int)] = [
    (1, 1), (1, 17), (3, 15), (7, 16), (8, 33), (9, 4095), (8, 4096), (9, 4097), (17, 8200), (16, 8192 + 31),
  ]

  @Test func columnSumsMatchTheReferenceBitForBit() {
    for (b, d) in Self.shapes {
      let f = Self.gaussian(Float.self, b: b, d: d, seed: UInt64(b * 10_000 + d))
      #expect(_columnSums(f).map(\.bitPattern) == _columnSumsReference(f).map(\.bitPattern), "Float \(b)×\(d)")
      let x = Self.gaussian(Double.self, b: b, d: d, seed: UInt64(b * 10_000 + d + 1))
      #expect(_columnSums(x).map(\.bitPattern) == _columnSumsReference(x).map(\.bitPattern), "Double \(b)×\(d)")
    }
  }

  /// The mean rule as it was: the reference sums divided by b, the scaled
  /// fallback where a finite column's sum overflowed, every row scanned.
  static func referenceMean<T: Scalar>(_ g: Matrix<T>) -> (vector: [T], nonFinite: [Int]) {
    (_mean(g, sums: _columnSumsReference(g)), nonFiniteRows(g))
  }

  @Test func meanRuleMatchesTheReferenceBitForBit() throws {
    var rng = Xoshiro256(seed: 9)
    for (b, d) in Self.shapes {
      var f = Self.gaussian(Float.self, b: b, d: d, seed: UInt64(b + d))
      var x = Self.gaussian(Double.self, b: b, d: d, seed: UInt64(b + d + 1))
      for planted in [false, true] {
        if planted {
          // Non-finite entries in the last row and in a column past a chunk edge.
          f[b - 1, d - 1] = .nan
          x[b - 1, d - 1] = -.infinity
          if b > 2 { f[1, 0] = .infinity; x[1, 0] = .nan }
        }
        let rf = try Mean<Float>().aggregate(f, using: &rng)
        let ef = Self.referenceMean(f)
        #expect(rf.vector.map(\.bitPattern) == ef.vector.map(\.bitPattern) && rf.nonFiniteRowsIncluded == ef.nonFinite,
                "Float \(b)×\(d) planted \(planted)")
        let rx = try Mean<Double>().aggregate(x, using: &rng)
        let ex = Self.referenceMean(x)
        #expect(rx.vector.map(\.bitPattern) == ex.vector.map(\.bitPattern) && rx.nonFiniteRowsIncluded == ex.nonFinite,
                "Double \(b)×\(d) planted \(planted)")
        #expect(rx.entriesRead == (planted ? 2 : 1) * b * d)
      }
    }
    // Finite rows whose sum overflows: the scaled fallback, as before.
    let big = try Matrix<Float>([[3e38, 3.2e38], [3.1e38, -3e38], [-3e38, 3.3e38], [3.3e38, 3.1e38]])
    let r = try Mean<Float>().aggregate(big, using: &rng)
    #expect(r.vector.map(\.bitPattern) == Self.referenceMean(big).vector.map(\.bitPattern))
    #expect(r.vector.allSatisfy(\.isFinite) && r.nonFiniteRowsIncluded.isEmpty)
  }

  /// block-gm as it was: screen the rows, select from `squaredColumnNorms`,
  /// gather with `gatherColumns`, GM on the block.
  static func referenceBlockGM<T: Scalar & BinaryFloatingPoint & Real>(
    _ rule: BlockGeometricMedian<T>, _ g: Matrix<T>, seed: UInt64
  ) throws -> AggregationResult<T> {
    var rng = Xoshiro256(seed: seed)
    let k = try rule.blockSize.resolve(d: g.columns)
    let (kept, excluded) = try _screenRows(g, rule: rule.name)
    let block = try selectBlock(kept, k: k, reading: rule.reading, using: &rng)
    return try rule.aggregate(kept, block: block, excludedRows: excluded)
  }

  static func same<T: BinaryFloatingPoint>(_ a: AggregationResult<T>, _ b: AggregationResult<T>) -> Bool {
    a.vector.count == b.vector.count && zip(a.vector, b.vector).allSatisfy { $0.0 == $0.1 && $0.0.sign == $0.1.sign }
      && a.block == b.block && a.certificate == b.certificate && a.excludedRows == b.excludedRows
  }

  @Test func blockGMFastPathMatchesTheReferenceBitForBit() throws {
    let shapes: [(Int, Int)] = [(1, 3), (5, 17), (9, 4097), (8, 4096 + 16)]
    for (b, d) in shapes {
      for reading in [SelectionReading.successive, .topK, .normProportional, .withReplacement, .uniform] {
        for fraction in [0.1, 1.0] {
          let rule32 = BlockGeometricMedian<Float>(blockSize: .fraction(fraction), reading: reading)
          let f = Self.gaussian(Float.self, b: b, d: d, seed: UInt64(7 * b + d))
          var rng = Xoshiro256(seed: 11)
          let fast32 = try rule32.aggregate(f, using: &rng)
          #expect(Self.same(fast32, try Self.referenceBlockGM(rule32, f, seed: 11)), "Float \(b)×\(d) \(reading) \(fraction)")
          let rule64 = BlockGeometricMedian<Double>(blockSize: .fraction(fraction), reading: reading)
          let x = Self.gaussian(Double.self, b: b, d: d, seed: UInt64(7 * b + d + 1))
          rng = Xoshiro256(seed: 12)
          let fast64 = try rule64.aggregate(x, using: &rng)
          #expect(Self.same(fast64, try Self.referenceBlockGM(rule64, x, seed: 12)), "Double \(b)×\(d) \(reading) \(fraction)")
        }
      }
    }
    // Non-finite rows and tiny magnitudes take the reference path: same answer.
    var g = Self.gaussian(Double.self, b: 7, d: 40, seed: 3)
    g[2, 5] = .nan
    var rng = Xoshiro256(seed: 1)
    let rule = BlockGeometricMedian<Double>(blockSize: .count(4))
    #expect(Self.same(try rule.aggregate(g, using: &rng), try Self.referenceBlockGM(rule, g, seed: 1)))
    let tiny = Matrix(_unchecked: 3, 4, (0..<12).map { Double($0 + 1) * 1e-310 })
    rng = Xoshiro256(seed: 1)
    #expect(Self.same(try rule.aggregate(tiny, using: &rng), try Self.referenceBlockGM(rule, tiny, seed: 1)))
  }

  @Test func trimmedMeansMatchTheReferenceBitForBit() throws {
    // Chunk edges at 256 columns; ties, signed zeros and overflowing sums.
    for (b, d) in [(1, 3), (3, 255), (10, 256), (11, 257), (32, 600)] {
      var f = Self.gaussian(Float.self, b: b, d: d, seed: UInt64(3 * b + d))
      var x = Self.gaussian(Double.self, b: b, d: d, seed: UInt64(3 * b + d + 1))
      for j in stride(from: 0, to: d, by: 5) {
        for i in 0..<b where (i + j) % 3 == 0 {
          f[i, j] = (i % 2 == 0) ? -0.0 : 0.0
          x[i, j] = (i % 2 == 0) ? 0.0 : -0.0
        }
        if b > 3 { f[0, j] = f[1, j]; x[0, j] = x[2, j] }
      }
      if d > 7 {
        for i in 0..<b { f[i, 7] = 3e38; x[i, 7] = 1.7e308 }
      }
      for trimmed in Set([0, b / 10, (b - 1) / 2]) {
        #expect(_trimmedColumnMeans(f, trimmed: trimmed).map(\.bitPattern)
                == _trimmedColumnMeansReference(f, trimmed: trimmed).map(\.bitPattern), "Float \(b)×\(d) trim \(trimmed)")
        #expect(_trimmedColumnMeans(x, trimmed: trimmed).map(\.bitPattern)
                == _trimmedColumnMeansReference(x, trimmed: trimmed).map(\.bitPattern), "Double \(b)×\(d) trim \(trimmed)")
      }
    }
  }

  @Test func krumDistancesMatchTheReferenceBitForBit() throws {
    // Chunk edges at 512 columns, row counts around the groups of four.
    for (b, d) in [(1, 3), (2, 511), (3, 512), (5, 513), (8, 1030), (9, 700), (32, 520)] {
      let f = Self.gaussian(Float.self, b: b, d: d, seed: UInt64(5 * b + d))
      let x = Self.gaussian(Double.self, b: b, d: d, seed: UInt64(5 * b + d + 1))
      for scale in [1.0, 0x1p-7] {
        let ff = _krumSquaredDistances(f, scale: scale), rf = _krumSquaredDistancesReference(f, scale: scale)
        #expect(ff.map { $0.map(\.bitPattern) } == rf.map { $0.map(\.bitPattern) }, "Float \(b)×\(d)")
        let fx = _krumSquaredDistances(x, scale: scale), rx = _krumSquaredDistancesReference(x, scale: scale)
        #expect(fx.map { $0.map(\.bitPattern) } == rx.map { $0.map(\.bitPattern) }, "Double \(b)×\(d)")
      }
    }
    // The rule's choice and mean through the kernel, as through the reference.
    let g = Self.gaussian(Double.self, b: 11, d: 600, seed: 4)
    var rng = Xoshiro256(seed: 1)
    let r = try Krum<Double>(byzantine: 2, selectionCount: 3).aggregate(g, using: &rng)
    let distance = _krumSquaredDistancesReference(g, scale: _powerOfTwoScale(largest: _largestMagnitude(g)))
    let chosen = _krumChoice(n: 11, neighbours: 7, count: 3) { i, l in distance[i][l] }
    let expected = _mean(Matrix(_unchecked: 3, 600, chosen.flatMap { g.row($0) }))
    #expect(r.vector.map(\.bitPattern) == expected.map(\.bitPattern))
  }
}
