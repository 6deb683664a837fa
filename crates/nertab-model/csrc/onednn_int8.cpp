// oneDNN's int8 linear kernels (AMX tiles where the CPU has them, VNNI elsewhere), which tch does not expose: the
// `onednn::qlinear_prepack` and `onednn::qlinear_pointwise` operators that libtorch registers for its x86 int8
// path, reached through the dispatcher, and a one-pass quantization of the activations to uint8 at a fixed scale.
//
// Every function returns nullptr on success, or an error message the caller frees with nertab_onednn_free_error;
// a result tensor is returned through `out` as a heap-allocated at::Tensor, which tch's Tensor owns and deletes.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/core/dispatch/Dispatcher.h>

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>
#include <cstdlib>
#include <cstring>
#include <exception>

namespace {

char* error_of(const char* what) {
  char* copy = static_cast<char*>(std::malloc(std::strlen(what) + 1));
  if (copy != nullptr) std::strcpy(copy, what);
  return copy;
}

template <class F>
char* guarded(F f) {
  try {
    f();
    return nullptr;
  } catch (const c10::Error& e) {
    return error_of(e.what_without_backtrace());
  } catch (const std::exception& e) {
    return error_of(e.what());
  } catch (...) {
    return error_of("unknown C++ exception in the oneDNN int8 shim");
  }
}

// Calls a registered operator through the boxed (signature-free) path and returns its one output.
at::Tensor call(const char* name, std::vector<c10::IValue> args) {
  // Leaked on purpose: never destroyed at exit while another thread may still call in.
  static auto* lock = new std::mutex;
  static auto* handles = new std::unordered_map<std::string, c10::OperatorHandle>;
  c10::OperatorHandle handle = [&] {
    std::lock_guard<std::mutex> guard(*lock);
    auto found = handles->find(name);
    if (found == handles->end()) {
      found = handles->emplace(name, c10::Dispatcher::singleton().findSchemaOrThrow(name, "")).first;
    }
    return found->second;
  }();
  torch::jit::Stack stack(std::make_move_iterator(args.begin()), std::make_move_iterator(args.end()));
  handle.callBoxed(&stack);
  TORCH_CHECK(stack.size() == 1 && stack[0].isTensor(), name, " did not return one tensor");
  return stack[0].toTensor();
}

// One row: u8 = clamp(round_half_even(x_c · inverse_c / scale) + zero_point, 0, 255). Written so the compiler
// vectorizes it (no branches; adding and subtracting 1.5 · 2^23 rounds half to even in float without a libm call),
// and built for AVX-512 and AVX2 as well as the x86-64 baseline, the CPU choosing at load.
#if defined(__x86_64__) && defined(__ELF__)
#define NERTAB_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NERTAB_CLONES
#endif

template <class In, bool Smoothed>
NERTAB_CLONES
void quantize_row(const In* in, const float* inverse, float inv_scale, float zp, int64_t cols, uint8_t* out) {
  const float magic = 12582912.0f;
  for (int64_t c = 0; c < cols; ++c) {
    float v;
    if constexpr (std::is_same_v<In, uint16_t>) {
      uint32_t bits = static_cast<uint32_t>(in[c]) << 16;
      std::memcpy(&v, &bits, sizeof v);
    } else {
      v = in[c];
    }
    if constexpr (Smoothed) v *= inverse[c];
    // Written so that a NaN input saturates to -512 (then 0) instead of reaching the int cast.
    float y = v * inv_scale;
    y = y > -512.0f ? y : -512.0f;
    y = y < 512.0f ? y : 512.0f;
    y = ((y + magic) - magic) + zp;
    y = y > 0.0f ? y : 0.0f;
    y = y < 255.0f ? y : 255.0f;
    out[c] = static_cast<uint8_t>(static_cast<int32_t>(y));
  }
}

template <class In, bool Smoothed>
void quantize_all(const In* in, const float* inverse, float inv_scale, float zp, int64_t rows, int64_t cols,
                  uint8_t* out) {
  at::parallel_for(0, rows, 64, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      quantize_row<In, Smoothed>(in + r * cols, inverse, inv_scale, zp, cols, out + r * cols);
    }
  });
}

void quantize_rows(const at::Tensor& x, const float* inverse, float inv_scale, int64_t zero_point, at::Tensor& q) {
  const int64_t cols = x.size(-1), rows = x.numel() / cols;
  uint8_t* out = q.data_ptr<uint8_t>();
  const float zp = static_cast<float>(zero_point);
  if (x.scalar_type() == at::kBFloat16) {
    const auto* in = reinterpret_cast<const uint16_t*>(x.data_ptr<c10::BFloat16>());
    if (inverse != nullptr) {
      quantize_all<uint16_t, true>(in, inverse, inv_scale, zp, rows, cols, out);
    } else {
      quantize_all<uint16_t, false>(in, inverse, inv_scale, zp, rows, cols, out);
    }
  } else if (inverse != nullptr) {
    quantize_all<float, true>(x.data_ptr<float>(), inverse, inv_scale, zp, rows, cols, out);
  } else {
    quantize_all<float, false>(x.data_ptr<float>(), inverse, inv_scale, zp, rows, cols, out);
  }
}

}  // namespace

extern "C" {

void nertab_onednn_free_error(char* error) { std::free(error); }

// `weight`: int8 [out, in]. Returns oneDNN's packed form of it.
char* nertab_onednn_prepack(const at::Tensor* weight, at::Tensor** out) {
  return guarded([&] {
    *out = new at::Tensor(call("onednn::qlinear_prepack", {*weight, c10::IValue()}));
  });
}

// `x` (fp32 or bf16, last dimension the input channels) to uint8: round(x · inverse_j / scale) + zero_point,
// saturated to 0..=255, in one pass. `inverse` (fp32 [in]) may be null.
char* nertab_onednn_quantize(const at::Tensor* x, const at::Tensor* inverse, double scale, int64_t zero_point,
                             at::Tensor** out) {
  return guarded([&] {
    at::Tensor input = x->contiguous();
    at::Tensor q = at::empty(input.sizes(), input.options().dtype(at::kByte));
    TORCH_CHECK(input.dim() >= 1 && input.size(-1) > 0, "int8 input needs a last dimension, got ", input.sizes());
    at::Tensor inv = inverse != nullptr ? inverse->to(at::kFloat).contiguous() : at::Tensor();
    TORCH_CHECK(!inv.defined() || inv.numel() == input.size(-1), "smoothing divisors: ", inv.numel(),
                " for ", input.size(-1), " input channels");
    const float* inv_ptr = inv.defined() ? inv.data_ptr<float>() : nullptr;
    const float inv_scale = static_cast<float>(1.0 / scale);
    TORCH_CHECK(input.scalar_type() == at::kBFloat16 || input.scalar_type() == at::kFloat,
                "int8 input must be fp32 or bf16, not ", input.scalar_type());
    quantize_rows(input, inv_ptr, inv_scale, zero_point, q);
    *out = new at::Tensor(std::move(q));
  });
}

// y = (scale_x · (xq − zp_x)) · (w_scales ⊙ Wq)ᵀ + bias, written as bf16; or, with `gelu_uint8`, GELU of it written
// as uint8 at `out_scale`/`out_zero_point` (the next int8 layer's input, quantized by the kernel itself).
char* nertab_onednn_linear(const at::Tensor* xq, double x_scale, int64_t x_zero_point, const at::Tensor* packed,
                           const at::Tensor* w_scales, const at::Tensor* w_zero_points, const at::Tensor* bias,
                           bool gelu_uint8, double out_scale, int64_t out_zero_point, at::Tensor** out) {
  return guarded([&] {
    c10::List<c10::optional<at::Scalar>> no_args;
    c10::IValue b = bias != nullptr ? c10::IValue(*bias) : c10::IValue();
    // No output dtype means uint8 at out_scale/out_zero_point; bf16 ignores them (1 and 0).
    c10::IValue kind = gelu_uint8 ? c10::IValue() : c10::IValue(at::kBFloat16);
    if (!gelu_uint8) out_scale = 1.0, out_zero_point = 0;
    *out = new at::Tensor(call("onednn::qlinear_pointwise",
                               {*xq, x_scale, x_zero_point, *packed, *w_scales, *w_zero_points, b, out_scale,
                                out_zero_point, kind, std::string(gelu_uint8 ? "gelu" : "none"), no_args,
                                std::string(gelu_uint8 ? "none" : "")}));
  });
}

}  // extern "C"
