#ifndef BGMD_CGMP_SHIM_H
#define BGMD_CGMP_SHIM_H

#include <gmp.h>

// GMP defines these as function-like macros, which Swift cannot import.
// Each wrapper is the macro, as a static inline function.

static inline mpz_ptr cgmp_mpq_numref(mpq_ptr q) { return mpq_numref(q); }
static inline mpz_ptr cgmp_mpq_denref(mpq_ptr q) { return mpq_denref(q); }
static inline mpz_srcptr cgmp_mpq_numref_const(mpq_srcptr q) { return mpq_numref(q); }
static inline mpz_srcptr cgmp_mpq_denref_const(mpq_srcptr q) { return mpq_denref(q); }
static inline int cgmp_mpq_sgn(mpq_srcptr q) { return mpq_sgn(q); }
static inline int cgmp_mpz_sgn(mpz_srcptr z) { return mpz_sgn(z); }
static inline int cgmp_mpz_odd_p(mpz_srcptr z) { return mpz_odd_p(z); }

#endif
