public func selectBlock<T: Scalar>(_ g: Matrix<T>, k: Int, reading: SelectionReading, using rng: inout some RandomNumberGenerator) throws -> [Int] { Array(0..<k) }
