#!/usr/bin/env python3
"""A throwaway PostgreSQL server for the SQL parity tests (a CTest fixture).

  pg_server.py start STATE_FILE   initdb in a new temporary directory, start the server on a Unix
                                  socket only (no TCP), write a libpq connection string to
                                  STATE_FILE (line 1) and the directory (line 2)
  pg_server.py stop STATE_FILE    stop the server and delete the directory

PostgreSQL refuses to run as root, so as root the server runs as `nobody` (runuser). The binaries
come from Debian's postgresql package (/usr/lib/postgresql/NN/bin); PG_BIN overrides.
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile


def pg_bin():
    if os.environ.get("PG_BIN"):
        return os.environ["PG_BIN"]
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        sys.exit("pg_server.py: error: no PostgreSQL server binaries in /usr/lib/postgresql/*/bin "
                 "(apt-get install postgresql, or run tools/setup.sh)")
    return os.path.dirname(found[-1])


def as_server_user(cmd):
    if os.geteuid() == 0:
        return ["runuser", "-u", "nobody", "--"] + cmd
    return cmd


def start(state_file):
    bindir = pg_bin()
    root = tempfile.mkdtemp(prefix="hunch-pg-")
    os.chmod(root, 0o755)
    data = os.path.join(root, "data")
    if os.geteuid() == 0:
        import pwd
        nobody = pwd.getpwnam("nobody")
        os.chown(root, nobody.pw_uid, nobody.pw_gid)
    subprocess.run(as_server_user([os.path.join(bindir, "initdb"), "-D", data, "-U", "hunch",
                                   "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
                   check=True, stdout=subprocess.DEVNULL)
    # Small and quick: no TCP, no durability (the data is thrown away).
    options = (f"-k {root} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
               "-c full_page_writes=off -c shared_buffers=64MB")
    subprocess.run(as_server_user([os.path.join(bindir, "pg_ctl"), "-D", data, "-o", options,
                                   "-l", os.path.join(root, "server.log"), "-w", "start"]),
                   check=True, stdout=subprocess.DEVNULL)
    with open(state_file, "w") as f:
        f.write(f"host={root} user=hunch dbname=postgres\n{root}\n")
    print(f"PostgreSQL started on a Unix socket in {root}")


def stop(state_file):
    if not os.path.exists(state_file):
        return
    with open(state_file) as f:
        lines = f.read().splitlines()
    root = lines[1]
    subprocess.run(as_server_user([os.path.join(pg_bin(), "pg_ctl"), "-D",
                                   os.path.join(root, "data"), "-m", "fast", "-w", "stop"]),
                   stdout=subprocess.DEVNULL)
    shutil.rmtree(root, ignore_errors=True)
    os.remove(state_file)
    print("PostgreSQL stopped")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("start", "stop"):
        sys.exit("usage: pg_server.py start|stop STATE_FILE")
    (start if sys.argv[1] == "start" else stop)(sys.argv[2])
