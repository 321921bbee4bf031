;; gatherRows (gatherRows.ts): the wasm kernel. Rows are copied as stored (every tensor
;; is fp32 in memory), then rounded to the output's format in one pass (`mode`).

  ;; out[r,:] = round(src[idx[offset + r], :]) for r < rows; a row is copied a vector at a
  ;; time, then its last cols % 4 values one by one (memory.copy is a host call, and a
  ;; call a row cost more than the copy)
  (func (export "gather") (param $out i32) (param $src i32) (param $idx i32) (param $offset i32) (param $rows i32) (param $cols i32) (param $mode i32)
    (local $r i32) (local $from i32) (local $to i32) (local $end i32) (local $end4 i32) (local $bytes i32)
    (local.set $bytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $to (local.get $out))
    (block $done (loop $rs
      (br_if $done (i32.ge_s (local.get $r) (local.get $rows)))
      (local.set $from (i32.add (local.get $src) (i32.mul (local.get $bytes)
        (i32.trunc_sat_f32_s (f32.load (i32.add (local.get $idx) (i32.shl (i32.add (local.get $offset) (local.get $r)) (i32.const 2))))))))
      (local.set $end (i32.add (local.get $to) (local.get $bytes)))
      (local.set $end4 (i32.add (local.get $to) (i32.and (local.get $bytes) (i32.const -16))))
      (block $v4 (loop $vs
        (br_if $v4 (i32.ge_u (local.get $to) (local.get $end4)))
        (v128.store (local.get $to) (v128.load (local.get $from)))
        (local.set $to (i32.add (local.get $to) (i32.const 16)))
        (local.set $from (i32.add (local.get $from) (i32.const 16)))
        (br $vs)))
      (block $v1 (loop $ss
        (br_if $v1 (i32.ge_u (local.get $to) (local.get $end)))
        (f32.store (local.get $to) (f32.load (local.get $from)))
        (local.set $to (i32.add (local.get $to) (i32.const 4)))
        (local.set $from (i32.add (local.get $from) (i32.const 4)))
        (br $ss)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rs)))
    (call $round_inplace (local.get $out) (i32.mul (local.get $rows) (local.get $cols)) (local.get $mode)))
