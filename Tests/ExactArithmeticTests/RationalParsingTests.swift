import Foundation
import Testing

@testable import ExactArithmetic

@Suite struct RationalParsingTests {
  @Test(arguments: [
    ("3/4", "3/4"), ("-6/8", "-3/4"), ("+6/8", "3/4"), ("0/5", "0"), ("12", "12"), ("-0", "0"),
    ("007", "7"), ("-1.25e-3", "-1/800"), ("1.5", "3/2"), (".5", "1/2"), ("5.", "5"),
    ("2E3", "2000"), ("1e+2", "100"), ("-0.000", "0"), ("123456789012345678901234567890", "123456789012345678901234567890"),
    ("1e-20", "1/100000000000000000000"), ("3.14159", "314159/100000"),
  ])
  func acceptedForms(text: String, expected: String) throws {
    let q = try Rational(parsing: text)
    #expect(q.description == expected)
    #expect(Rational(text) == q)
  }

  @Test(arguments: [
    ("", "empty"), ("-", "no number after the sign"), ("1/0", "denominator is zero"),
    ("1/-2", "denominator must be decimal digits"), ("a/2", "numerator must be decimal digits"),
    ("1.2.3", "expected p/q"), ("1e", "exponent must be decimal digits"), ("e5", "no digits"),
    ("1e99999999", "exponent's magnitude exceeds"), (" 1", "expected p/q"), ("1/2/3", "denominator must be decimal digits"),
    ("0x10", "expected p/q"), ("nan", "expected p/q"), ("١٢", "expected p/q"),
  ])
  func malformedFormsGiveAClearError(text: String, reasonFragment: String) {
    do {
      _ = try Rational(parsing: text)
      Issue.record("\"\(text)\" was accepted")
    } catch let error as RationalParseError {
      #expect(error.input == text)
      #expect(error.reason.contains(reasonFragment), "reason was: \(error.reason)")
      #expect(error.description.contains("\"\(text)\""))
    } catch {
      Issue.record("unexpected error \(error)")
    }
    #expect(Rational(text) == nil)
  }

  @Test func descriptionRoundTrips() throws {
    for q in [Rational(-22, 7), Rational(0), Rational(Int.max), Rational(2).power(200) / 3] {
      #expect(try Rational(parsing: q.description) == q)
    }
  }

  @Test func codableAsString() throws {
    let values = [Rational(1, 3), Rational(-5), Rational(2).power(70) / 7]
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    let data = try encoder.encode(values)
    let text = String(decoding: data, as: UTF8.self)
    #expect(text == "[\"1/3\",\"-5\",\"1180591620717411303424/7\"]")
    let decoded = try JSONDecoder().decode([Rational].self, from: data)
    #expect(decoded == values)
    let bad = Data("[\"1/0\"]".utf8)
    #expect(throws: DecodingError.self) { try JSONDecoder().decode([Rational].self, from: bad) }
    let decimal = try JSONDecoder().decode([Rational].self, from: Data("[\"-1.25e-3\"]".utf8))
    #expect(decimal == [Rational(-1, 800)])
  }
}
