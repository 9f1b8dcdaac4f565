#include "recotem/core/csr_matrix.h"

#include <gtest/gtest.h>

namespace recotem {
namespace {

TEST(CsrMatrix, FromTripletsSortsColumnsAndSumsDuplicates) {
  std::vector<int32_t> rows = {1, 0, 1, 1};
  std::vector<int32_t> cols = {2, 1, 0, 2};
  std::vector<float> vals = {1, 1, 1, 2};
  CsrMatrix m = CsrMatrix::FromTriplets(2, 3, rows, cols, vals);
  EXPECT_EQ(m.indptr, (std::vector<int64_t>{0, 1, 3}));
  EXPECT_EQ(m.indices, (std::vector<int32_t>{1, 0, 2}));
  EXPECT_EQ(m.values, (std::vector<float>{1, 1, 3}));
  EXPECT_NO_THROW(m.Validate());
}

TEST(CsrMatrix, TransposeRoundTrips) {
  std::vector<int32_t> rows = {0, 0, 1, 2};
  std::vector<int32_t> cols = {0, 2, 1, 2};
  std::vector<float> vals = {1, 2, 3, 4};
  CsrMatrix m = CsrMatrix::FromTriplets(3, 3, rows, cols, vals);
  CsrMatrix tt = m.Transposed().Transposed();
  EXPECT_EQ(tt.indptr, m.indptr);
  EXPECT_EQ(tt.indices, m.indices);
  EXPECT_EQ(tt.values, m.values);
}

TEST(CsrMatrix, ValidateRejectsMalformedArrays) {
  CsrMatrix m;
  m.n_rows = 1;
  m.n_cols = 2;
  m.indptr = {0, 2};
  m.indices = {1, 0};
  m.values = {1, 1};
  EXPECT_THROW(m.Validate(), std::invalid_argument);
  m.indices = {0, 5};
  EXPECT_THROW(m.Validate(), std::invalid_argument);
}

}  // namespace
}  // namespace recotem
