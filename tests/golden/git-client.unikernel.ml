(* unikernel.ml of git-client: a skeleton exported by Mirage Studio for Mirage 4.11.
   Fill in start; Mirage calls it with the devices, the dependencies and
   the runtime arguments, in this order. *)

open Cmdliner

(* --remote (string, default https://github.com/mirage/mirage-skeleton.git): The repository to fetch. *)
let remote =
  let doc = Arg.info ~doc:"The repository to fetch." [ "remote" ] in
  Arg.(value & opt string "https://github.com/mirage/mirage-skeleton.git" doc)

module Make (Git : sig end) = struct
  let start git remote =
    (* git: input 1 (git_client), git *)
    (* remote: runtime argument --remote (string) *)
    ignore git;
    ignore remote;
    Lwt.return_unit
end
