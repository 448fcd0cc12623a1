(* expect: ok *)
(* a list that holds itself is not OCaml: unknown name *)
let l = [ l; l ]
let () = register "x" []
