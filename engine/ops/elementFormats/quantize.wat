;; The quantize ops' wasm module (engine/ops/elementFormats/contract.ts): integer element formats
;; and IEEE fp32 over the memory the host owns (imported). Pointers are byte offsets, counts
;; elements; fp32 values are read and written as bit patterns. One kernel a file:
(module
  (import "env" "memory" (memory 1 65536))
;;@include formats.wat
;;@include arith.wat
;;@include castElements.wat
;;@include blockQuantize.wat
;;@include hadamard16.wat
;;@include roundedUpdate.wat
)
