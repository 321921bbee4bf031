;; GEMM: C[M,N] = sum_k A(m,k) B(k,n) (+ bias[n]), rounded to `mode` on the last store.
;; - A is read in place through strides, A(m,k) = a[m*sam + k*sak], one element at a
;;   time with v128.load32_splat: the backward pass's transposed products (dout^T·x)
;;   need no copy.
;; - B is packed, K_BLOCK rows at a time, into panels of 8 columns (packed[p][k][0..8),
;;   zero past N), so the inner loop reads B with two contiguous v128 loads.
;; - A 4x8 register tile: 8 v128 accumulators, 4 splats and 2 loads a k, 8 multiply-adds
;;   (relaxed_madd in the relaxed build, see scripts/wat.mjs).
;; - K-blocking: blocks of K_BLOCK = 256 k keep the packed block in L2 at large batches;
;;   the partial sums of a block are fp32 in C (every tensor is fp32 in memory) and the
;;   bias and the rounding apply once, after the last block.
;; - c32 (0 = none) gets the same sums rounded to fp32 only, from the same registers.
;; - ca (0 = none) gets ReLU of the rounded result, from the same registers: the forward
;;   pass's activation fused into the store (relu(x) = x & (x > 0), so NaN and -0 give +0,
;;   as in the reference).
;; - Edge tiles (M % 4, N % 8) run the same code on a 4x8 scratch tile; rows past M read
;;   row M-1 (in bounds) and are not stored.

  ;; packs rows [0,kb) of B (b points at B(k0,0)) into dst as 8-column panels
  (func $pack (param $b i32) (param $sbk i32) (param $sbn i32) (param $kb i32) (param $N i32) (param $dst i32)
    (local $n0 i32) (local $k i32) (local $j i32) (local $row i32)
    (local.set $sbk (i32.shl (local.get $sbk) (i32.const 2)))
    (local.set $sbn (i32.shl (local.get $sbn) (i32.const 2)))
    (block $pdone (loop $panels
      (br_if $pdone (i32.ge_s (local.get $n0) (local.get $N)))
      (local.set $k (i32.const 0))
      (block $kdone (loop $ks
        (br_if $kdone (i32.ge_s (local.get $k) (local.get $kb)))
        (local.set $row (i32.add (local.get $b) (i32.add (i32.mul (local.get $k) (local.get $sbk)) (i32.mul (local.get $n0) (local.get $sbn)))))
        (if (i32.and (i32.eq (local.get $sbn) (i32.const 4)) (i32.le_s (i32.add (local.get $n0) (i32.const 8)) (local.get $N)))
          (then
            (v128.store (local.get $dst) (v128.load (local.get $row)))
            (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $row))))
          (else
            (local.set $j (i32.const 0))
            (loop $js
              (f32.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2)))
                (if (result f32) (i32.lt_s (i32.add (local.get $n0) (local.get $j)) (local.get $N))
                  (then (f32.load (i32.add (local.get $row) (i32.mul (local.get $j) (local.get $sbn)))))
                  (else (f32.const 0))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br_if $js (i32.lt_s (local.get $j) (i32.const 8))))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $ks)))
      (local.set $n0 (i32.add (local.get $n0) (i32.const 8)))
      (br $panels))))

  ;; copies the valid rows x cols of a tile between C (row stride ldc floats) and a
  ;; dense 4x8 scratch tile; toScratch zero-fills the rest of the scratch
  (func $tile_copy (param $c i32) (param $ldc i32) (param $rows i32) (param $cols i32) (param $s i32) (param $toScratch i32)
    (local $r i32) (local $j i32) (local $cp i32) (local $sp i32)
    (if (local.get $toScratch) (then (memory.fill (local.get $s) (i32.const 0) (i32.const 128))))
    (block $rdone (loop $rs
      (br_if $rdone (i32.ge_s (local.get $r) (local.get $rows)))
      (local.set $j (i32.const 0))
      (block $jdone (loop $js
        (br_if $jdone (i32.ge_s (local.get $j) (local.get $cols)))
        (local.set $cp (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $ldc)) (local.get $j)) (i32.const 2))))
        (local.set $sp (i32.add (local.get $s) (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 3)) (local.get $j)) (i32.const 2))))
        (if (local.get $toScratch)
          (then (f32.store (local.get $sp) (f32.load (local.get $cp))))
          (else (f32.store (local.get $cp) (f32.load (local.get $sp)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $js)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rs))))

  ;; stores a tile's registers at (m0, n0) of the [.,N] matrix at c (through scratch at the edges)
  (func $store_tile (param $c i32) (param $N i32) (param $m0 i32) (param $n0 i32) (param $rows i32) (param $cols i32) (param $full i32) (param $scratch i32)
      (param $r00 v128) (param $r01 v128) (param $r10 v128) (param $r11 v128) (param $r20 v128) (param $r21 v128) (param $r30 v128) (param $r31 v128)
    (local $cp i32) (local $ld i32)
    (local.set $cp (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $m0) (local.get $N)) (local.get $n0)) (i32.const 2))))
    (local.set $ld (select (i32.shl (local.get $N) (i32.const 2)) (i32.const 32) (local.get $full)))
    (if (i32.eqz (local.get $full)) (then (local.set $cp (local.get $scratch))))
    (v128.store (local.get $cp) (local.get $r00))
    (v128.store offset=16 (local.get $cp) (local.get $r01))
    (v128.store (i32.add (local.get $cp) (local.get $ld)) (local.get $r10))
    (v128.store offset=16 (i32.add (local.get $cp) (local.get $ld)) (local.get $r11))
    (v128.store (i32.add (local.get $cp) (i32.shl (local.get $ld) (i32.const 1))) (local.get $r20))
    (v128.store offset=16 (i32.add (local.get $cp) (i32.shl (local.get $ld) (i32.const 1))) (local.get $r21))
    (v128.store (i32.add (local.get $cp) (i32.mul (local.get $ld) (i32.const 3))) (local.get $r30))
    (v128.store offset=16 (i32.add (local.get $cp) (i32.mul (local.get $ld) (i32.const 3))) (local.get $r31))
    (if (i32.eqz (local.get $full)) (then
      (call $tile_copy (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $m0) (local.get $N)) (local.get $n0)) (i32.const 2)))
        (local.get $N) (local.get $rows) (local.get $cols) (local.get $scratch) (i32.const 0)))))

  ;; one 4x8 tile of C at (m0, n0) over kb values of k; pa points at A(0, k0), pb at the packed panel
  (func $tile (param $M i32) (param $N i32) (param $m0 i32) (param $n0 i32) (param $kb i32)
      (param $pa i32) (param $sam i32) (param $sak i32) (param $pb i32)
      (param $c i32) (param $bias i32) (param $mode i32) (param $first i32) (param $last i32) (param $scratch i32) (param $c32 i32) (param $ca i32)
    (local $acc00 v128) (local $acc01 v128) (local $acc10 v128) (local $acc11 v128)
    (local $acc20 v128) (local $acc21 v128) (local $acc30 v128) (local $acc31 v128)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $av v128) (local $b0 v128) (local $b1 v128) (local $k i32)
    (local $rows i32) (local $cols i32) (local $full i32) (local $cp i32) (local $ld i32) (local $bp i32)
    (local $bv0 v128) (local $bv1 v128)
    (local.set $rows (select (i32.sub (local.get $M) (local.get $m0)) (i32.const 4) (i32.lt_s (i32.sub (local.get $M) (local.get $m0)) (i32.const 4))))
    (local.set $cols (select (i32.sub (local.get $N) (local.get $n0)) (i32.const 8) (i32.lt_s (i32.sub (local.get $N) (local.get $n0)) (i32.const 8))))
    (local.set $full (i32.and (i32.eq (local.get $rows) (i32.const 4)) (i32.eq (local.get $cols) (i32.const 8))))
    ;; row pointers into A, clamped to the last row
    (local.set $sam (i32.shl (local.get $sam) (i32.const 2)))
    (local.set $sak (i32.shl (local.get $sak) (i32.const 2)))
    (local.set $a0 (i32.add (local.get $pa) (i32.mul (local.get $m0) (local.get $sam))))
    (local.set $a1 (i32.add (local.get $pa) (i32.mul (select (i32.add (local.get $m0) (i32.const 1)) (i32.sub (local.get $M) (i32.const 1)) (i32.gt_s (local.get $rows) (i32.const 1))) (local.get $sam))))
    (local.set $a2 (i32.add (local.get $pa) (i32.mul (select (i32.add (local.get $m0) (i32.const 2)) (i32.sub (local.get $M) (i32.const 1)) (i32.gt_s (local.get $rows) (i32.const 2))) (local.get $sam))))
    (local.set $a3 (i32.add (local.get $pa) (i32.mul (select (i32.add (local.get $m0) (i32.const 3)) (i32.sub (local.get $M) (i32.const 1)) (i32.gt_s (local.get $rows) (i32.const 3))) (local.get $sam))))

    (block $kdone (loop $ks
      (br_if $kdone (i32.ge_s (local.get $k) (local.get $kb)))
      (local.set $b0 (v128.load (local.get $pb)))
      (local.set $b1 (v128.load offset=16 (local.get $pb)))
      (local.set $av (v128.load32_splat (local.get $a0)))
      (local.set $acc00 (f32x4.add (local.get $acc00) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $acc01 (f32x4.add (local.get $acc01) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (v128.load32_splat (local.get $a1)))
      (local.set $acc10 (f32x4.add (local.get $acc10) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $acc11 (f32x4.add (local.get $acc11) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (v128.load32_splat (local.get $a2)))
      (local.set $acc20 (f32x4.add (local.get $acc20) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $acc21 (f32x4.add (local.get $acc21) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (v128.load32_splat (local.get $a3)))
      (local.set $acc30 (f32x4.add (local.get $acc30) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $acc31 (f32x4.add (local.get $acc31) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $a0 (i32.add (local.get $a0) (local.get $sak)))
      (local.set $a1 (i32.add (local.get $a1) (local.get $sak)))
      (local.set $a2 (i32.add (local.get $a2) (local.get $sak)))
      (local.set $a3 (i32.add (local.get $a3) (local.get $sak)))
      (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $ks)))

    ;; where the tile lives: in C, or in the scratch tile at the edges
    (local.set $cp (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $m0) (local.get $N)) (local.get $n0)) (i32.const 2))))
    (local.set $ld (i32.shl (local.get $N) (i32.const 2)))
    (if (i32.eqz (local.get $full)) (then
      (if (i32.eqz (local.get $first)) (then
        (call $tile_copy (local.get $cp) (local.get $N) (local.get $rows) (local.get $cols) (local.get $scratch) (i32.const 1))))
      (local.set $cp (local.get $scratch))
      (local.set $ld (i32.const 32))))
    ;; the partial sums of the earlier K blocks
    (if (i32.eqz (local.get $first)) (then
      (local.set $acc00 (f32x4.add (local.get $acc00) (v128.load (local.get $cp))))
      (local.set $acc01 (f32x4.add (local.get $acc01) (v128.load offset=16 (local.get $cp))))
      (local.set $acc10 (f32x4.add (local.get $acc10) (v128.load (i32.add (local.get $cp) (local.get $ld)))))
      (local.set $acc11 (f32x4.add (local.get $acc11) (v128.load offset=16 (i32.add (local.get $cp) (local.get $ld)))))
      (local.set $acc20 (f32x4.add (local.get $acc20) (v128.load (i32.add (local.get $cp) (i32.shl (local.get $ld) (i32.const 1))))))
      (local.set $acc21 (f32x4.add (local.get $acc21) (v128.load offset=16 (i32.add (local.get $cp) (i32.shl (local.get $ld) (i32.const 1))))))
      (local.set $acc30 (f32x4.add (local.get $acc30) (v128.load (i32.add (local.get $cp) (i32.mul (local.get $ld) (i32.const 3))))))
      (local.set $acc31 (f32x4.add (local.get $acc31) (v128.load offset=16 (i32.add (local.get $cp) (i32.mul (local.get $ld) (i32.const 3))))))))
    ;; after the last block: bias, then the rounding to the output's format
    (if (local.get $last) (then
      (if (local.get $bias) (then
        (local.set $bp (i32.add (local.get $bias) (i32.shl (local.get $n0) (i32.const 2))))
        (if (i32.lt_s (local.get $cols) (i32.const 8)) (then
          (call $tile_copy (local.get $bp) (i32.const 0) (i32.const 1) (local.get $cols) (i32.add (local.get $scratch) (i32.const 128)) (i32.const 1))
          (local.set $bp (i32.add (local.get $scratch) (i32.const 128)))))
        (local.set $bv0 (v128.load (local.get $bp)))
        (local.set $bv1 (v128.load offset=16 (local.get $bp)))
        (local.set $acc00 (f32x4.add (local.get $acc00) (local.get $bv0)))
        (local.set $acc01 (f32x4.add (local.get $acc01) (local.get $bv1)))
        (local.set $acc10 (f32x4.add (local.get $acc10) (local.get $bv0)))
        (local.set $acc11 (f32x4.add (local.get $acc11) (local.get $bv1)))
        (local.set $acc20 (f32x4.add (local.get $acc20) (local.get $bv0)))
        (local.set $acc21 (f32x4.add (local.get $acc21) (local.get $bv1)))
        (local.set $acc30 (f32x4.add (local.get $acc30) (local.get $bv0)))
        (local.set $acc31 (f32x4.add (local.get $acc31) (local.get $bv1)))))
      (if (local.get $c32) (then
        (call $store_tile (local.get $c32) (local.get $N) (local.get $m0) (local.get $n0) (local.get $rows) (local.get $cols) (local.get $full) (local.get $scratch)
          (local.get $acc00) (local.get $acc01) (local.get $acc10) (local.get $acc11) (local.get $acc20) (local.get $acc21) (local.get $acc30) (local.get $acc31))))
      (if (i32.eq (local.get $mode) (i32.const 1)) (then
        (local.set $acc00 (call $round_f16x4 (local.get $acc00)))
        (local.set $acc01 (call $round_f16x4 (local.get $acc01)))
        (local.set $acc10 (call $round_f16x4 (local.get $acc10)))
        (local.set $acc11 (call $round_f16x4 (local.get $acc11)))
        (local.set $acc20 (call $round_f16x4 (local.get $acc20)))
        (local.set $acc21 (call $round_f16x4 (local.get $acc21)))
        (local.set $acc30 (call $round_f16x4 (local.get $acc30)))
        (local.set $acc31 (call $round_f16x4 (local.get $acc31)))))
      (if (i32.eq (local.get $mode) (i32.const 2)) (then
        (local.set $acc00 (call $round_bf16x4 (local.get $acc00)))
        (local.set $acc01 (call $round_bf16x4 (local.get $acc01)))
        (local.set $acc10 (call $round_bf16x4 (local.get $acc10)))
        (local.set $acc11 (call $round_bf16x4 (local.get $acc11)))
        (local.set $acc20 (call $round_bf16x4 (local.get $acc20)))
        (local.set $acc21 (call $round_bf16x4 (local.get $acc21)))
        (local.set $acc30 (call $round_bf16x4 (local.get $acc30)))
        (local.set $acc31 (call $round_bf16x4 (local.get $acc31)))))))
    (call $store_tile (local.get $c) (local.get $N) (local.get $m0) (local.get $n0) (local.get $rows) (local.get $cols) (local.get $full) (local.get $scratch)
      (local.get $acc00) (local.get $acc01) (local.get $acc10) (local.get $acc11) (local.get $acc20) (local.get $acc21) (local.get $acc30) (local.get $acc31))
    (if (i32.and (local.get $last) (i32.ne (local.get $ca) (i32.const 0))) (then
      (call $store_tile (local.get $ca) (local.get $N) (local.get $m0) (local.get $n0) (local.get $rows) (local.get $cols) (local.get $full) (local.get $scratch)
        (call $relu4 (local.get $acc00)) (call $relu4 (local.get $acc01)) (call $relu4 (local.get $acc10)) (call $relu4 (local.get $acc11))
        (call $relu4 (local.get $acc20)) (call $relu4 (local.get $acc21)) (call $relu4 (local.get $acc30)) (call $relu4 (local.get $acc31))))))

  (func $relu4 (param $v v128) (result v128)
    (v128.and (local.get $v) (f32x4.gt (local.get $v) (f32x4.splat (f32.const 0)))))

  ;; C[M,N] (row-major, dense) = A·B (+ bias); bias, c32, ca = 0 for none; pack holds
  ;; K_BLOCK * ceil(N/8) * 8 floats, scratch 64 floats
  (func (export "gemm") (param $M i32) (param $N i32) (param $K i32)
      (param $a i32) (param $sam i32) (param $sak i32)
      (param $b i32) (param $sbk i32) (param $sbn i32)
      (param $c i32) (param $bias i32) (param $mode i32) (param $pack i32) (param $scratch i32) (param $c32 i32) (param $ca i32)
    (local $k0 i32) (local $kb i32) (local $m0 i32) (local $n0 i32) (local $pa i32) (local $pb i32)
    (block $kdone (loop $kblocks
      (br_if $kdone (i32.ge_s (local.get $k0) (local.get $K)))
      (local.set $kb (select (i32.sub (local.get $K) (local.get $k0)) (i32.const 256) (i32.lt_s (i32.sub (local.get $K) (local.get $k0)) (i32.const 256))))
      (call $pack (i32.add (local.get $b) (i32.shl (i32.mul (local.get $k0) (local.get $sbk)) (i32.const 2)))
        (local.get $sbk) (local.get $sbn) (local.get $kb) (local.get $N) (local.get $pack))
      (local.set $pa (i32.add (local.get $a) (i32.shl (i32.mul (local.get $k0) (local.get $sak)) (i32.const 2))))
      (local.set $m0 (i32.const 0))
      (block $mdone (loop $ms
        (br_if $mdone (i32.ge_s (local.get $m0) (local.get $M)))
        (local.set $n0 (i32.const 0))
        (local.set $pb (local.get $pack))
        (block $ndone (loop $ns
          (br_if $ndone (i32.ge_s (local.get $n0) (local.get $N)))
          (call $tile (local.get $M) (local.get $N) (local.get $m0) (local.get $n0) (local.get $kb)
            (local.get $pa) (local.get $sam) (local.get $sak) (local.get $pb)
            (local.get $c) (local.get $bias) (local.get $mode)
            (i32.eqz (local.get $k0)) (i32.ge_s (i32.add (local.get $k0) (local.get $kb)) (local.get $K)) (local.get $scratch) (local.get $c32) (local.get $ca))
          (local.set $pb (i32.add (local.get $pb) (i32.shl (local.get $kb) (i32.const 5))))
          (local.set $n0 (i32.add (local.get $n0) (i32.const 8)))
          (br $ns)))
        (local.set $m0 (i32.add (local.get $m0) (i32.const 4)))
        (br $ms)))
      (local.set $k0 (i32.add (local.get $k0) (local.get $kb)))
      (br $kblocks))))
