#!/usr/bin/env python3
"""ABI, header and packaging checks for libmtl (meson suite 'abi').

Each subcommand is one meson test.  Exit status: 0 = pass, 1 = fail,
77 = skipped (a tool it needs, such as nm or a C++ compiler, is missing),
so a machine without the tool reports the check as skipped, never as passed.

    abi_check.py headers  LANG COMPILER SRCDIR        LANG: c99 | c++11
    abi_check.py exports  NM SHARED_LIB MAP_FILE SRCDIR
    abi_check.py static   NM STATIC_LIB MAP_FILE
    abi_check.py soname   READELF OBJDUMP SHARED_LIB
    abi_check.py consumer CC BUILDDIR SOURCE [--valgrind VALGRIND]
                          [--static STATIC_LIB] [--markdown]
    abi_check.py warnings COMPILER SRCDIR [extra flags...]

Missing programs are passed as '' by tests/abi/meson.build.
"""

import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


def skip(why):
    print('SKIP: ' + why)
    sys.exit(SKIP)


def run(cmd, **kw):
    """Run cmd, echoing it; return (status, combined output)."""
    print('$ ' + ' '.join(shlex.quote(c) for c in cmd), flush=True)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True, **kw)
    return p.returncode, p.stdout


def need(prog, what):
    if not prog:
        skip(what + ' not found')
    return prog


def public_headers(srcdir):
    inc = os.path.join(srcdir, 'include')
    hs = ['mtl.h'] + sorted('mtl/' + os.path.basename(h) for h in
                            glob.glob(os.path.join(inc, 'mtl', '*.h')))
    return inc, hs


# --------------------------------------------------------------- headers --

def cmd_headers(lang, compiler, srcdir):
    compiler = need(compiler, 'a %s compiler' % lang)
    inc, headers = public_headers(srcdir)
    if lang == 'c99':
        flags, ext = ['-x', 'c', '-std=c99'], '.c'
    elif lang == 'c++11':
        flags, ext = ['-x', 'c++', '-std=c++11'], '.cpp'
    else:
        sys.exit('unknown language ' + lang)
    flags += ['-pedantic', '-Wall', '-Wextra', '-Werror', '-I', inc]
    failed = []
    with tempfile.TemporaryDirectory() as tmp:
        for h in headers:
            # The header alone, twice (include guard), plus a use of a type
            # so an empty header cannot pass by accident.
            tu = os.path.join(tmp, h.replace('/', '_') + ext)
            with open(tu, 'w') as f:
                f.write('#include <%s>\n#include <%s>\n'
                        'int main(void) { return 0; }\n' % (h, h))
            rc, out = run([compiler] + flags + ['-c', '-o', os.devnull, tu])
            if rc != 0 or out.strip():
                sys.stdout.write(out)
                failed.append(h)
    print('%d headers compiled alone as %s with %s; %d failed: %s' %
          (len(headers), lang, compiler, len(failed), ' '.join(failed)))
    return 1 if failed else 0


# --------------------------------------------------------------- symbols --

def parse_map(path):
    """Return ({symbol: node}, [problems]) for the global: parts of a
    GNU ld version script."""
    text = open(path).read()
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'#[^\n]*', ' ', text)
    symbols, problems = {}, []
    for m in re.finditer(r'([A-Za-z_][\w.]*)\s*\{(.*?)\}\s*([\w.]*)\s*;',
                         text, flags=re.S):
        node, body = m.group(1), m.group(2)
        scope = None
        for tok in re.split(r'(;|\b(?:global|local)\s*:)', body):
            tok = tok.strip()
            if not tok or tok == ';':
                continue
            if re.fullmatch(r'(global|local)\s*:', tok):
                scope = tok.split(':')[0].strip()
                continue
            if scope == 'local':
                continue
            if not re.fullmatch(r'[A-Za-z_]\w*', tok):
                problems.append('%s: not a plain symbol name: %r' %
                                (node, ' '.join(tok.split())))
                continue
            if tok in symbols:
                problems.append('%s listed twice (%s, %s)' %
                                (tok, symbols[tok], node))
            symbols[tok] = node
    return symbols, problems


def header_api(srcdir):
    """Names of the functions declared MTL_API in the public headers."""
    inc, headers = public_headers(srcdir)
    names = set()
    for h in headers:
        text = open(os.path.join(inc, h)).read()
        text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
        text = re.sub(r'//[^\n]*', ' ', text)
        text = re.sub(r'^\s*#.*?(?<!\\)$', ' ', text, flags=re.M | re.S)
        for m in re.finditer(r'\bMTL_API\b[^;{}()]*?\b(\w+)\s*\(', text):
            names.add(m.group(1))
    return names


def nm_symbols(nm, path, dynamic):
    cmd = [nm, '--defined-only']
    cmd += ['-D'] if dynamic else ['-g']
    rc, out = run(cmd + [path])
    if rc != 0:
        sys.stdout.write(out)
        sys.exit('nm failed')
    syms = []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3:
            syms.append((f[1], f[2]))
        elif len(f) == 2 and not line.endswith(':'):
            syms.append((f[0], f[1]))
    return syms


def cmd_exports(nm, shared, mapfile, srcdir):
    nm = need(nm, 'nm')
    mapped, problems = parse_map(mapfile)
    exported = {}
    for typ, name in nm_symbols(nm, shared, True):
        if typ not in ('T', 'D', 'B', 'R'):
            continue
        base, _, version = name.partition('@')
        exported[base] = version.lstrip('@')
    # A malformed map is not harmless: meson's has_link_argument() check
    # then fails and the library is linked with no version script at all.
    errors = ['lib/libmtl.map: ' + w for w in problems]
    for s in sorted(set(exported) - set(mapped)):
        errors.append('exported but not in the map: ' + s)
    for s in sorted(set(mapped) - set(exported)):
        errors.append('in the map but not exported: ' + s)
    for s in sorted(exported):
        if not s.startswith('mtl_') or s.startswith('mtl__'):
            errors.append('exported name without the public mtl_ prefix: ' + s)
        v = exported[s]
        if s in mapped and v != mapped[s]:
            errors.append('%s has version %r, the map says %s (is the '
                          'version script applied?)' % (s, v, mapped[s]))
    api = header_api(srcdir)
    for s in sorted(api - set(mapped)):
        errors.append('declared MTL_API in include/ but not in the map: ' + s)
    for s in sorted(set(mapped) - api):
        errors.append('in the map but declared MTL_API in no header: ' + s)
    for e in errors:
        print('FAIL: ' + e)
    print('%d exported, %d in the map, %d MTL_API declarations; %d problems'
          % (len(exported), len(mapped), len(api), len(errors)))
    return 1 if errors else 0


def cmd_static(nm, static, mapfile):
    nm = need(nm, 'nm')
    mapped, _ = parse_map(mapfile)
    errors, n = [], 0
    for typ, name in nm_symbols(nm, static, False):
        if typ in ('U', 'w', 'v'):
            continue
        n += 1
        if not name.startswith('mtl_'):
            errors.append('global symbol without the mtl_ prefix: %s (%s)'
                          % (name, typ))
        elif name not in mapped and '__' not in name:
            errors.append('global %s is neither public (in the map) nor '
                          'named as internal (mtl__x or mtl_x__y)' % name)
    for e in errors:
        print('FAIL: ' + e)
    print('%d global symbols in %s; %d problems' %
          (n, os.path.basename(static), len(errors)))
    return 1 if errors else 0


def cmd_soname(readelf, objdump, shared):
    if readelf:
        rc, out = run([readelf, '-d', shared])
        m = re.search(r'\(SONAME\)\s+Library soname: \[(.*?)\]', out)
    elif objdump:
        rc, out = run([objdump, '-p', shared])
        m = re.search(r'^\s*SONAME\s+(\S+)', out, flags=re.M)
    else:
        skip('neither readelf nor objdump found')
    soname = m.group(1) if m else None
    print('SONAME: %s' % soname)
    return 0 if soname == 'libmtl.so.1' else 1


# -------------------------------------------------------------- consumer --

def c_block_from_markdown(path):
    blocks = re.findall(r'^```c[ \t]*\n(.*?)^```', open(path).read(),
                        flags=re.S | re.M)
    if not blocks:
        sys.exit('no ```c block in ' + path)
    return blocks[0]


def cmd_consumer(cc, builddir, source, valgrind=None, static=None,
                 markdown=False):
    cc = need(cc, 'a C compiler')
    if valgrind is not None:
        valgrind = need(valgrind, 'valgrind')
    pkgconfig = need(shutil.which('pkg-config') or shutil.which('pkgconf'),
                     'pkg-config')
    env = dict(os.environ)
    # meson writes mtl-uninstalled.pc there; pkg-config prefers
    # NAME-uninstalled.pc, so plain "mtl" resolves to the build tree.
    env['PKG_CONFIG_PATH'] = os.path.join(builddir, 'meson-uninstalled')
    env.pop('PKG_CONFIG_DISABLE_UNINSTALLED', None)
    libdir = os.path.join(builddir, 'lib')
    env['LD_LIBRARY_PATH'] = libdir + (
        ':' + env['LD_LIBRARY_PATH'] if env.get('LD_LIBRARY_PATH') else '')
    rc, out = run([pkgconfig, '--cflags', '--libs', 'mtl'], env=env)
    if rc != 0:
        sys.stdout.write(out)
        return 1
    pcflags = shlex.split(out)
    print(out.strip())
    with tempfile.TemporaryDirectory() as tmp:
        if markdown:
            src = os.path.join(tmp, 'readme_example.c')
            with open(src, 'w') as f:
                f.write(c_block_from_markdown(source))
        else:
            src = source
        exe = os.path.join(tmp, 'consumer')
        cflags = ['-std=c99', '-pedantic', '-Wall', '-Wextra', '-Werror']
        if static:
            # Link the archive itself: no libmtl.so can be picked up.
            cflags_only = [f for f in pcflags if not f.startswith(('-L', '-l'))]
            cmd = [cc] + cflags + cflags_only + [src, '-o', exe, static, '-lm']
        else:
            cmd = [cc] + cflags + [src, '-o', exe] + pcflags
        rc, out = run(cmd, env=env)
        sys.stdout.write(out)
        if rc != 0 or out.strip():
            print('FAIL: the consumer does not compile cleanly')
            return 1
        if not static:
            # It must really use the shared library of this build.
            rc, out = run(['ldd', exe], env=env) if shutil.which('ldd') \
                else (0, '')
            sys.stdout.write(out)
            if out and os.path.realpath(libdir) not in out and \
                    libdir not in out:
                print('FAIL: the consumer is not linked to ' + libdir)
                return 1
        cmd = [exe]
        if valgrind:
            cmd = [valgrind, '--error-exitcode=1', '--leak-check=full',
                   '--errors-for-leak-kinds=definite,indirect', '-q'] + cmd
        rc, out = run(cmd, env=env)
        sys.stdout.write(out)
        print('exit status %d' % rc)
        return 0 if rc == 0 else 1


# -------------------------------------------------------------- warnings --

def cmd_warnings(compiler, srcdir, extra):
    compiler = need(compiler, 'the compiler')
    sources = sorted(glob.glob(os.path.join(srcdir, 'lib', '**', '*.c'),
                               recursive=True))
    if not sources:
        sys.exit('no sources under lib/')
    flags = ['-std=c11', '-Wall', '-Wextra', '-Werror',
             '-I' + os.path.join(srcdir, 'include'),
             '-I' + os.path.join(srcdir, 'lib'),
             '-DMTL_BUILDING', '-D_POSIX_C_SOURCE=200809L'] + extra
    failed = []
    for src in sources:
        rc, out = run([compiler] + flags + ['-c', '-o', os.devnull, src])
        if rc != 0 or out.strip():
            sys.stdout.write(out)
            failed.append(os.path.relpath(src, srcdir))
    print('%d files of lib/ compiled with %s %s; %d with warnings: %s' %
          (len(sources), compiler, ' '.join(extra), len(failed),
           ' '.join(failed)))
    return 1 if failed else 0


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd, a = argv[1], argv[2:]
    if cmd == 'headers':
        return cmd_headers(a[0], a[1], a[2])
    if cmd == 'exports':
        return cmd_exports(a[0], a[1], a[2], a[3])
    if cmd == 'static':
        return cmd_static(a[0], a[1], a[2])
    if cmd == 'soname':
        return cmd_soname(a[0], a[1], a[2])
    if cmd == 'consumer':
        cc, builddir, source = a[0], a[1], a[2]
        rest, valgrind, static, markdown = a[3:], None, None, False
        while rest:
            opt = rest.pop(0)
            if opt == '--valgrind':
                valgrind = rest.pop(0)
            elif opt == '--static':
                static = rest.pop(0)
            elif opt == '--markdown':
                markdown = True
            else:
                sys.exit('unknown option ' + opt)
        return cmd_consumer(cc, builddir, source, valgrind, static, markdown)
    if cmd == 'warnings':
        return cmd_warnings(a[0], a[1], a[2:])
    sys.exit('unknown check ' + cmd)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
