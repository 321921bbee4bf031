;; fp32 multiply, divide and add on bit patterns (wasm's f32 operations are IEEE: rounded
;; once to nearest even, subnormals kept), with a NaN result written as the positive
;; quiet NaN (formats.ts QUIET_NAN_BITS: wasm leaves a NaN's sign open), as the CPU
;; reference and exact.wgsl do.

  (func $canonical (param $v i32) (result i32)
    (select (i32.const 0x7fc00000) (local.get $v) (i32.gt_u (i32.and (local.get $v) (i32.const 0x7fffffff)) (i32.const 0x7f800000))))

  (func $mul_rn (param $a i32) (param $b i32) (result i32)
    (call $canonical (i32.reinterpret_f32 (f32.mul (f32.reinterpret_i32 (local.get $a)) (f32.reinterpret_i32 (local.get $b))))))

  (func $div_rn (param $a i32) (param $b i32) (result i32)
    (call $canonical (i32.reinterpret_f32 (f32.div (f32.reinterpret_i32 (local.get $a)) (f32.reinterpret_i32 (local.get $b))))))

  (func $add_rn (param $a i32) (param $b i32) (result i32)
    (call $canonical (i32.reinterpret_f32 (f32.add (f32.reinterpret_i32 (local.get $a)) (f32.reinterpret_i32 (local.get $b))))))
