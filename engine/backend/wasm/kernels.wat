;; The wasm backend's kernels: one module over the backend's memory (imported, so the
;; JS side owns and grows it). Every tensor is fp32 in memory; an f16/bf16 tensor holds
;; values already rounded to its format, so an op reads fp32 and rounds once on store
;; (`mode` 0 = f32, 1 = f16, 2 = bf16). Pointers are byte offsets; counts are elements.
;; The core's kernels are here (rounding and casts, the checks, statistics); each op's
;; kernel lives in its op folder (engine/ops/<op>/*.wat), with its algorithm on top.
(module
  (import "env" "memory" (memory 1 65536))
  ;; transcendentals come from the host's Math so that tanh/sigmoid/gelu agree with the
  ;; CPU reference to the last bit of their fp64 results (WASM has no libm)
  (import "math" "tanh" (func $tanh (param f64) (result f64)))
  (import "math" "exp" (func $exp (param f64) (result f64)))
;;@include round.wat
;;@include check.wat
;;@include stats.wat
;;@include ../../ops/matmul/gemm.wat
;;@include ../../ops/sumRows/colsum.wat
;;@include ../../ops/gatherRows/gather.wat
;;@include ../../ops/activation/activation.wat
;;@include ../../ops/mse/mse.wat
;;@include ../../ops/sgd/sgd.wat
;;@include ../../ops/adamw/adam.wat
)
