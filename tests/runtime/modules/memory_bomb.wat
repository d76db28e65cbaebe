;; run grows memory 16 pages (1 MiB) at a time and touches every new page until memory.grow
;; answers -1 at the store's cap, then traps like a real allocator would.
(module
  (memory (export "memory") 1)
  (func (export "alloc") (param $n i32) (result i32) (i32.const 1024))
  (func (export "run") (param $ptr i32) (param $len i32) (result i64)
    (local $old i32)
    (loop $more
      (local.set $old (memory.grow (i32.const 16)))
      (if (i32.eq (local.get $old) (i32.const -1)) (then unreachable))
      (i32.store (i32.shl (local.get $old) (i32.const 16)) (i32.const 1))
      (br $more))
    (i64.const 0)))
