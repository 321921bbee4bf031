;; The wasm backend's kernels: one module over the backend's memory (imported, so the
;; JS side owns and grows it). Every tensor is fp32 in memory; an f16/bf16 tensor holds
;; values already rounded to its format, so an op reads fp32 and rounds once on store
;; (`mode` 0 = f32, 1 = f16, 2 = bf16). Pointers are byte offsets; counts are elements.
;; Each kernel family is a file, with its algorithm on top:
(module
  (import "env" "memory" (memory 1 65536))
  ;; transcendentals come from the host's Math so that tanh/sigmoid/gelu agree with the
  ;; CPU reference to the last bit of their fp64 results (WASM has no libm)
  (import "math" "tanh" (func $tanh (param f64) (result f64)))
  (import "math" "exp" (func $exp (param f64) (result f64)))
;;@include round.wat
;;@include gemm.wat
;;@include elementwise.wat
;;@include optim.wat
;;@include stats.wat
)
