#!/usr/bin/env python3
"""canhgac web baseline / web check against a real nginx on loopback.

Every detector must fire on its attack and stay quiet on the routine edits
(new article, edited text, new section with same-site images and links,
links to other .gov.vn sites, asset version bumps, a news item that
mentions gambling once, a news item citing a newspaper). The pages change
on every request (SSI date, counter, token, rotating featured item).
TLS cases use a throwaway CA made with openssl. Prints TAP."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _webfix as W  # noqa: E402

SRC = os.environ.get("CANHGAC_SRC", os.path.abspath(os.path.join(os.path.dirname(__file__), "../..")))
BIN = os.environ.get("CANHGAC", os.path.join(SRC, "build/canhgac"))
N = 0
FAILED = 0


def ok(cond, desc, diag=None):
    global N, FAILED
    N += 1
    print(("ok" if cond else "not ok") + f" {N} - {desc}")
    if not cond:
        FAILED += 1
        if diag:
            for line in str(diag)[:3000].splitlines():
                print("# " + line)
    sys.stdout.flush()
    return cond


def run(args, timeout=120):
    p = subprocess.run([BIN] + args, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def findings_by_url(out):
    res = {}
    for line in out.splitlines():
        o = json.loads(line)
        if o.get("type") == "summary":
            continue
        res.setdefault(o["url"], []).append(o)
    return res


# ---- pages ----------------------------------------------------------------

BASE = W.portal(seed=7)
SPAM_BLOCK = ('<div class="ads"><p>Link vào nhà cái uy tín nhất 2026: chơi nổ hũ, tài xỉu online, '
              'game bài đổi thưởng, nạp rút nhanh.</p></div>')
NEW_ARTICLE = W.article(__import__("random").Random(99), 11, 3)
LOCAL_LINKS = ''.join(f'<li><a href="/van-ban/qd-{i}.html">Quyết định số {i}/QĐ-UBND</a>'
                      f'<img src="/uploads/2026/12/vb-{i}.png"></li>' for i in range(6))


ROTATED = ["Chiều qua, đoàn công tác của tỉnh đã làm việc với các xã vùng cao về tiến độ xây dựng nông thôn mới.",
           "Nhiều hộ gia đình đã được hỗ trợ giống cây trồng và vật nuôi để phát triển kinh tế bền vững.",
           "Lễ hội văn hóa truyền thống thu hút đông đảo du khách trong và ngoài nước tham quan, trải nghiệm.",
           "Trung tâm y tế huyện triển khai chiến dịch tiêm chủng mở rộng cho trẻ em dưới năm tuổi.",
           "Các trường học chuẩn bị cơ sở vật chất, đồ dùng dạy học trước thềm năm học mới.",
           "Hội nông dân tổ chức lớp tập huấn kỹ thuật canh tác chè hữu cơ cho bà con.",
           "Công trình cầu treo qua suối được khánh thành, giúp người dân đi lại thuận tiện hơn.",
           "Ban quản lý rừng phòng hộ tăng cường tuần tra, ngăn chặn khai thác gỗ trái phép."]


def rotated_news(n=10):
    rng = __import__("random").Random(4)
    return "".join(f'<article class="news-item"><h3><a href="/tin-tuc/moi-{i}.html">Tin mới số {i}: '
                   f'{rng.choice(ROTATED)[:40]}</a></h3><div class="summary"><p>'
                   + " ".join(rng.choice(ROTATED) for _ in range(12)) + "</p></div></article>" for i in range(n))


def routine_cases():
    """name -> (before, after): edits a webmaster makes; must stay quiet."""
    sentence = W.SENTENCES[4]
    edited = BASE.replace(sentence, "Các đơn vị phải hoàn thành việc rà soát trước ngày 30 tháng 12.", 2)
    return {
        "same": (BASE, BASE),
        "new-article": (BASE, W.portal(seed=7, extra_articles=NEW_ARTICLE)),
        "edited-text": (BASE, edited),
        "new-section": (BASE, W.portal(seed=7, extra_body='<section class="docs"><h2>Văn bản mới ban hành</h2>'
                                       '<p>Danh sách văn bản chỉ đạo, điều hành mới nhất của Ủy ban nhân dân tỉnh.</p>'
                                       f'<ul>{LOCAL_LINKS}</ul></section>')),
        "gov-links": (BASE, W.portal(seed=7, footer_extra=''.join(
            f'<a href="https://{h}/">{h}</a> ' for h in
            ["mic.gov.vn", "mps.gov.vn", "baohiemxahoi.gov.vn", "sotttt.hanoi.gov.vn",
             "quangninh.gov.vn", "moet.gov.vn", "ais.gov.vn"]))),
        "hidden-menu-social-link": (BASE, W.portal(seed=7, extra_head='<style>.mobile-nav{display:none}</style>',
                                                   extra_body='<div class="mobile-nav"><a href="/">Trang chủ</a>'
                                                              '<a href="https://zalo.me/sotttthagiang">Zalo</a></div>')),
        "news-rotated": (BASE, W.portal(seed=7, articles=0, extra_articles=rotated_news())),
        "asset-versions": (BASE, W.portal(seed=7, js_version="def456", css_version="124")),
        "crackdown-news": (BASE, W.portal(seed=7, extra_articles=(
            '<article><h3><a href="/tin-tuc/triet-pha.html">Triệt phá đường dây cá độ bóng đá</a></h3>'
            '<p>Công an tỉnh vừa triệt phá một đường dây cá độ bóng đá và lô đề qua mạng, '
            'tạm giữ 12 đối tượng.</p></article>'))),
        "newspaper-link": (BASE, W.portal(seed=7, extra_articles=(
            '<article><h3>Hội thảo chuyển đổi số</h3><p>Theo <a href="https://vnexpress.net/chuyen-doi-so-123.html">'
            'báo VnExpress</a>, hội thảo thu hút nhiều doanh nghiệp.</p></article>'))),
    }


def attack_cases(port):
    """name -> (before, after, expected kinds)."""
    H = lambda extra: W.portal(seed=7, extra_body=extra)  # noqa: E731
    return {
        "spam-visible": (BASE, H(SPAM_BLOCK), {"spam"}),
        "hidden-display-none": (BASE, H('<div style="display:none"><a href="https://nhacai88.top/">nhà cái</a>'
                                        '<a href="https://nohu99.club/">nổ hũ</a></div>'), {"hidden_links"}),
        "hidden-display-none-plain": (BASE, H('<div style="display:none"><a href="https://example-shop.top/">xem</a>'
                                              '<a href="https://another-shop.top/">mua</a></div>'), {"hidden_links"}),
        "hidden-offscreen-class": (BASE, W.portal(seed=7, extra_head='<style>.seo-box{position:absolute;left:-9999px;top:0}</style>',
                                                  extra_body='<div class="box seo-box"><a href="https://fb88bet.top/">FB88</a> '
                                                             '<a href="https://sunwin.fun/">cổng game</a></div>'), {"hidden_links"}),
        "hidden-tiny-font": (BASE, H('<p style="font-size:0px"><a href="https://taixiu.win/">tài xỉu</a></p>'), {"hidden_links"}),
        "hidden-noscript": (BASE, H('<noscript><a href="https://789bet.xyz/">789bet</a></noscript>'), {"hidden_links"}),
        "new-script": (BASE, W.portal(seed=7, extra_head='<script src="https://cdn.stat-counter.top/t.js?v=1"></script>'),
                       {"new_external_resource"}),
        "new-iframe": (BASE, H('<iframe src="https://ads.nhacai-banner.top/b.html" width="1" height="1"></iframe>'),
                       {"new_external_resource"}),
        "js-redirect": (BASE, H('<script>window.location.href="https://nhacai.top/";</script>'), {"redirect"}),
        "js-atob": (BASE, H('<script>window.location = atob("aHR0cHM6Ly9uaGFjYWkudG9wLw==");</script>'), {"redirect"}),
        "js-hex": (BASE, H(r'<script>window["\x6c\x6f\x63\x61\x74\x69\x6f\x6e"]="\x68\x74\x74\x70\x73\x3a\x2f\x2f\x6b\x75\x62\x65\x74\x2e\x78\x79\x7a\x2f";</script>'),
                   {"redirect"}),
        "js-unicode": (BASE, H(r'<script>top.location.replace("\u0068\u0074\u0074\u0070\u0073://w88vn.win/");</script>'), {"redirect"}),
        "js-string-array": (BASE, H("<script>var _0x3f=['aHR0cHM6Ly9nbzg4LnZpbi8=','bG9jYXRpb24=','href'];"
                                    "(function(){var w=window;w[atob(_0x3f[1])][_0x3f[2]]=atob(_0x3f[0]);})();</script>"),
                            {"redirect"}),
        "js-referer-concat": (BASE, H("<script>if(document.referrer.indexOf('google')>=0){document.location.replace('https://'+'go88'+'.vin/?r=1');}</script>"),
                              {"redirect"}),
        "js-fromcharcode": (BASE, H("<script>location.href=String.fromCharCode(104,116,116,112,115,58,47,47,104,105,56,56,46,98,101,116,47);</script>"),
                            {"redirect"}),
        "meta-refresh": (BASE, W.portal(seed=7, extra_head='<meta http-equiv="refresh" content="3; url=https://w88.top/">'), {"redirect"}),
        "replaced": (BASE, '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Cửa hàng điện thoại</title></head><body>'
                     + "".join(f'<div class="product"><h2>Điện thoại mẫu {i}</h2><p>Giá bán ưu đãi, bảo hành chính hãng mười hai tháng, '
                               f'giao hàng miễn phí toàn quốc cho đơn từ hai triệu đồng.</p></div>' for i in range(30))
                     + '</body></html>', {"content_replaced"}),
        "wiped": (BASE, '<!DOCTYPE html><html><head><title></title></head><body></body></html>', {"content_replaced"}),
        "deface": (BASE, '<html><head><title>Hacked by VN-Ghost</title></head><body bgcolor="black"><marquee>'
                   '<font color="red" size="7">Hacked by VN-Ghost Team</font></marquee><h1>Your security is low!</h1>'
                   '<p>Greetz: all my friends</p></body></html>', {"defacement"}),
        "deface-text": (BASE, H('<div style="text-align:center"><h1>HACKED BY Shadow Cyber Army</h1><p>greetz to all</p></div>'),
                        {"defacement"}),
        "meta-spam": (BASE, W.portal(seed=7, title="Nhà cái uy tín - Nổ hũ đổi thưởng - Cổng thông tin điện tử",
                                     description="Tài xỉu online, game bài đổi thưởng uy tín nhất"), {"meta_spam"}),
        "gone-404": (BASE, None, {"http_status"}),
        "invalid-utf8": (BASE, None, {"spam"}),
        "not-html": (BASE, None, {"content_replaced"}),
        "binary-as-html": (BASE, None, {"content_replaced"}),
        "too-large": (BASE, None, {"too_large"}),
    }


LOCATIONS = r"""
location = /c/http-redirect/ {{ if (-f {www}/flags/http-redirect) {{ return 302 http://nhacai88.localhost:{port}/; }} }}
location = /c/e503/ {{ if (-f {www}/flags/e503) {{ return 503; }} }}
location = /c/cloak-ua/ {{ if ($http_user_agent ~* "googlebot|bingbot|coccoc") {{ rewrite ^ /c/cloak-ua/bot.html last; }} }}
location = /c/cloak-ref/ {{ if ($http_referer ~* "google\.") {{ rewrite ^ /c/cloak-ref/ref.html last; }} }}
location = /c/cloak-ref/ref.html {{ if (-f {www}/flags/cloak-ref) {{ return 302 http://go88.localhost:{port}/; }} }}
location = /c/not-html/ {{ if (-f {www}/flags/not-html) {{ rewrite ^ /data.bin last; }} }}
location = /c/loop/ {{ if (-f {www}/flags/loop) {{ return 302 /c/loop/; }} }}
location = /loop/a {{ return 302 /loop/b; }}
location = /loop/b {{ return 302 /loop/a; }}
location /c/charset-header/ {{ charset windows-1258; }}
"""

EXTRA = r"""
server {{ listen 127.0.0.1:{port}; server_name nhacai88.localhost go88.localhost;
  root {www}/gambling; ssi off; }}
server {{ listen 127.0.0.1:{port2} ssl http2; server_name _;
  ssl_certificate {root}/certs/$ssl_server_name.crt;
  ssl_certificate_key {root}/certs/$ssl_server_name.key;
  root {www}; ssi on; ssi_types text/html; index index.html; }}
"""


TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text):
    """Vietnamese in windows-1258 as real pages have it: letters with
    circumflex, breve, horn precomposed, tone marks as combining bytes."""
    import unicodedata
    out = []
    for c in text:
        d = unicodedata.normalize("NFD", c)
        tones = "".join(m for m in d if m in TONES)
        out.append(unicodedata.normalize("NFC", "".join(m for m in d if m not in TONES)) + tones)
    return "".join(out).encode("cp1258", "replace")


def make_ca(d):
    """CA + certificates: returns the CA file. make_cert(name, days|None
    for expired, cn) writes certs/NAME.{crt,key}."""
    os.makedirs(os.path.join(d, "ca"), exist_ok=True)
    ca = os.path.join(d, "ca")

    def sh(*a):
        subprocess.run(a, check=True, capture_output=True, cwd=ca)
    sh("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
       "-keyout", "ca.key", "-out", "ca.crt", "-days", "30", "-subj", "/CN=canhgac test CA")
    with open(os.path.join(ca, "ca.cnf"), "w") as f:
        f.write("[ca]\ndefault_ca=d\n[d]\ndir=.\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\n"
                "default_md=sha256\npolicy=p\ncopy_extensions=copy\nunique_subject=no\n[p]\ncommonName=supplied\n")
    open(os.path.join(ca, "index.txt"), "w").close()
    with open(os.path.join(ca, "serial"), "w") as f:
        f.write("1000\n")
    return os.path.join(ca, "ca.crt"), sh


def make_cert(d, sh, fname, cn, days=None, expired=False):
    certs = os.path.join(d, "certs")
    os.makedirs(certs, exist_ok=True)
    os.chmod(certs, 0o755)
    key, crt = os.path.join(certs, fname + ".key"), os.path.join(certs, fname + ".crt")
    sh("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
       "-keyout", key + ".new", "-out", "req.csr", "-subj", "/CN=" + cn, "-addext", "subjectAltName=DNS:" + cn)
    dates = ["-startdate", "20200101000000Z", "-enddate", "20210101000000Z"] if expired else ["-days", str(days)]
    sh("openssl", "ca", "-batch", "-config", "ca.cnf", "-cert", "ca.crt", "-keyfile", "ca.key",
       "-in", "req.csr", "-out", crt + ".new", "-notext", *dates)
    os.chmod(key + ".new", 0o644)
    os.replace(key + ".new", key)
    os.replace(crt + ".new", crt)


class Trickle:
    """A tiny loopback HTTP server: serves a page normally, or (trickle
    mode) sends the headers and then one byte every 0.2 s."""

    def __init__(self, page):
        import socketserver
        import threading
        outer = self
        self.mode = "normal"
        body = page.encode()

        class H(socketserver.BaseRequestHandler):
            def handle(self):
                import time
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = self.request.recv(4096)
                    if not chunk:
                        return
                    data += chunk
                try:
                    if outer.mode == "normal":
                        self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                                             b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
                        return
                    self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
                    for i in range(300):
                        self.request.sendall(body[i:i + 1])
                        time.sleep(0.2)
                except OSError:
                    return

        class S(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True
        self.srv = S(("127.0.0.1", 0), H)
        self.port = self.srv.server_address[1]
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def stop(self):
        self.srv.shutdown()
        self.srv.server_close()


def main():
    tmp = tempfile.mkdtemp(prefix="canhgac-web-")
    ngx = W.Nginx(tmp, locations=LOCATIONS, extra_servers=EXTRA)
    data = os.path.join(tmp, "data")
    try:
        os.makedirs(os.path.join(ngx.www, "flags"))
        ngx.write("gambling/index.html", "<html><head><title>Nhà cái uy tín</title></head><body>Nổ hũ tài xỉu</body></html>")
        ca_file, sh = make_ca(tmp)
        for name in ["tls-good", "tls-soon", "tls-expired", "tls-wrong"]:
            make_cert(tmp, sh, name + ".localhost", name + ".localhost", days=365)
        port = ngx.start()
        tls = lambda n: f"https://{n}.localhost:{ngx.port2}/c/same/"  # noqa: E731

        routine = routine_cases()
        attacks = attack_cases(port)
        special = ["loop", "http-redirect", "e503", "cloak-ua", "cloak-ref", "charset-header"]
        for name, (before, _) in routine.items():
            ngx.write(f"c/{name}/index.html", before)
        for name, (before, _, _) in attacks.items():
            ngx.write(f"c/{name}/index.html", before)
        for name in special:
            ngx.write(f"c/{name}/index.html", BASE)
        with open(os.path.join(ngx.www, "c/charset-header/index.html"), "wb") as f:
            f.write(cp1258(BASE.replace('<meta charset="utf-8">', "")))
        ngx.write("c/cloak-ua/bot.html", BASE)
        ngx.write("c/cloak-ref/ref.html", BASE)
        ngx.write("data.bin", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + "\x00" * 200)

        urls = [ngx.url(f"c/{n}/") for n in list(routine) + list(attacks) + special]
        tls_urls = [tls(n) for n in ["tls-good", "tls-soon", "tls-expired", "tls-wrong"]]
        rc, out, err = run(["web", "baseline", "--json", "--data-dir", data, "--ca-file", ca_file] + urls + tls_urls)
        ok(rc == 0, "baseline of %d pages exits 0" % len(urls + tls_urls), err)
        stored = [json.loads(l) for l in out.splitlines()]
        ok(sum(1 for o in stored if o.get("type") == "baseline") == len(urls + tls_urls),
           "one baseline stored per page", out)
        ok(len(os.listdir(os.path.join(data, "web/baselines"))) == len(urls + tls_urls), "baseline files in the data dir")

        # before any change: everything quiet (dynamic parts differ on every load)
        rc, out, err = run(["web", "check", "--json", "--data-dir", data, "--ca-file", ca_file] + urls + tls_urls)
        ok(rc == 0, "check before any change: exit 0, nothing found", out[:3000] + err)

        # apply the routine edits and the attacks
        for name, (_, after) in routine.items():
            ngx.write(f"c/{name}/index.html", after)
        for name, (_, after, _) in attacks.items():
            if after is not None:
                ngx.write(f"c/{name}/index.html", after)
        os.remove(os.path.join(ngx.www, "c/gone-404/index.html"))
        with open(os.path.join(ngx.www, "c/invalid-utf8/index.html"), "wb") as f:
            f.write(BASE.replace("</main>", "<p>@@BAD@@ " + SPAM_BLOCK + "</p></main>").encode()
                    .replace(b"@@BAD@@", b"\xff\xfe\xc3\x28\xed\xa0\x80\xc0\xaf"))
        with open(os.path.join(ngx.www, "c/binary-as-html/index.html"), "wb") as f:
            f.write(os.urandom(300000))
        with open(os.path.join(ngx.www, "c/too-large/index.html"), "wb") as f:
            f.write(b"<html><body>" + b"<p>" + b"a" * 1000 + b"</p>\n" * 0)
            chunk = (b"<p>" + "Nội dung rất dài ".encode() * 60 + b"</p>\n")
            for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
                f.write(chunk)
        for flag in ["loop", "http-redirect", "e503", "cloak-ref", "not-html"]:
            open(os.path.join(ngx.www, "flags", flag), "w").close()
        ngx.write("c/cloak-ua/bot.html", W.portal(seed=7, extra_body=SPAM_BLOCK +
                  '<a href="https://nhacai88.top/">Nhà cái</a>'))
        with open(os.path.join(ngx.www, "c/charset-header/index.html"), "wb") as f:
            f.write(cp1258(W.portal(seed=7, extra_body=SPAM_BLOCK).replace('<meta charset="utf-8">', "")))
        make_cert(tmp, sh, "tls-soon.localhost", "tls-soon.localhost", days=5)
        make_cert(tmp, sh, "tls-expired.localhost", "tls-expired.localhost", expired=True)
        make_cert(tmp, sh, "tls-wrong.localhost", "www.other-site.localhost", days=365)

        rc, out, err = run(["web", "check", "--json", "--timeout", "20", "--data-dir", data, "--ca-file", ca_file]
                           + urls + tls_urls)
        ok(rc == 1, "check after the changes exits 1", err)
        try:
            by = findings_by_url(out)
            ok(True, "--json output: one JSON object a line")
        except ValueError as e:
            by = {}
            ok(False, "--json output: one JSON object a line", str(e) + out[:2000])
        every = [f for fs in by.values() for f in fs]
        ok(all({"url", "kind", "severity", "evidence", "source"} <= set(f) and f["source"] == "web" for f in every),
           "every finding has url, kind, severity, evidence, source=web")

        for name in routine:
            got = by.get(ngx.url(f"c/{name}/"), [])
            ok(not got, f"routine edit '{name}' is not a finding",
               json.dumps(got, ensure_ascii=False, indent=1))
        for name, (_, _, want) in attacks.items():
            got = {f["kind"] for f in by.get(ngx.url(f"c/{name}/"), [])}
            ok(want <= got, f"attack '{name}' reported as {sorted(want)}",
               f"got {sorted(got)}: " + json.dumps(by.get(ngx.url(f'c/{name}/'), []), ensure_ascii=False)[:2500])
        special_want = {"loop": "unreachable", "http-redirect": "redirect", "e503": "http_status", "cloak-ua": "cloaking",
                        "cloak-ref": "cloaking", "charset-header": "spam"}
        for name, want in special_want.items():
            got = {f["kind"] for f in by.get(ngx.url(f"c/{name}/"), [])}
            ok(want in got, f"'{name}' reported as {want}", f"got {sorted(got)}")
        rc2, out2, _ = run(["web", "check", "--json", "--timeout", "20", "--parallel", "1", "--data-dir", data,
                            "--ca-file", ca_file] + urls + tls_urls)
        by2 = findings_by_url(out2)
        same = {u: sorted(f["kind"] for f in fs) for u, fs in by.items()} == \
            {u: sorted(f["kind"] for f in fs) for u, fs in by2.items()}
        ok(rc2 == rc and same, "--parallel 1 (URLs in chunks of 16) finds the same as the default run",
           (sorted(by), sorted(by2)))

        # evidence a person can act on
        ev = by.get(ngx.url("c/js-atob/"), [{}])[0].get("evidence", {})
        ok(any(t.get("target") == "https://nhacai.top/" and t.get("decoded_from") == "base64"
               for t in ev.get("targets", [])), "JS redirect evidence names the decoded target", ev)
        ev = [f for f in by.get(ngx.url("c/hidden-offscreen-class/"), []) if f["kind"] == "hidden_links"]
        ok(ev and ev[0]["evidence"]["links"][0]["hidden_by"] == "off-screen position",
           "hidden link evidence says how it is hidden (class rule in <style>)", ev)
        cl = [f for f in by.get(ngx.url("c/cloak-ua/"), []) if f["kind"] == "cloaking"]
        views = {v["view"] for f in cl for v in f["evidence"]["views"]}
        ok(views == {"googlebot", "bingbot", "coccocbot"}, "cloaking names the crawler views", views)
        cl = [f for f in by.get(ngx.url("c/cloak-ref/"), []) if f["kind"] == "cloaking"]
        views = {v["view"] for f in cl for v in f["evidence"]["views"]}
        ok(views == {"search-visitor"}, "search-referer cloaking names the search-visitor view", views)
        hr = [f for f in by.get(ngx.url("c/http-redirect/"), []) if f["kind"] == "redirect"]
        ok(hr and hr[0]["evidence"]["chain"][-1].startswith("http://nhacai88.localhost"),
           "HTTP redirect evidence holds the redirect chain", hr)

        # TLS
        tk = lambda n: {(f["kind"], f["evidence"].get("problem")) for f in by.get(tls(n), [])}  # noqa: E731
        ok(not by.get(tls("tls-good")), "valid certificate: quiet (https, HTTP/2)", by.get(tls("tls-good")))
        ok(("tls_expiry", "expiring") in tk("tls-soon"), "certificate expiring in 5 days: tls_expiry", tk("tls-soon"))
        ok(("tls_expiry", "expired") in tk("tls-expired"), "expired certificate: tls_expiry expired", tk("tls-expired"))
        ok(("tls_expiry", "name_mismatch") in tk("tls-wrong"), "certificate for another name: tls_expiry name_mismatch",
           tk("tls-wrong"))
        rc, out, err = run(["web", "check", "--data-dir", data, tls("tls-good")])
        ok(rc == 1 and "tls" in out, "without --ca-file the test CA is not trusted (tls finding)", out + err)

        # table output
        rc, out, err = run(["web", "check", "--data-dir", data, ngx.url("c/spam-visible/")])
        ok(rc == 1 and "spam" in out and "high" in out, "table output names severity and kind", out)
        rc, out, err = run(["web", "check", "--data-dir", data, ngx.url("c/same/")])
        ok(rc == 0 and "nothing found" in out, "table output for a quiet page", out + err)

        # user lexicon
        lex = os.path.join(tmp, "extra.txt")
        with open(lex, "w") as f:
            f.write("# extra terms\n3 thuốc giảm cân thần tốc\n")
        ngx.write("c/same/index.html", W.portal(seed=7, extra_body="<p>THUOC GIAM CAN than toc, giá rẻ</p>"))
        rc, out, _ = run(["web", "check", "--json", "--data-dir", data, ngx.url("c/same/")])
        ok(rc == 0, "a term only in a user lexicon: quiet without --lexicon", out)
        rc, out, _ = run(["web", "check", "--json", "--data-dir", data, "--lexicon", lex, ngx.url("c/same/")])
        ok(rc == 1 and '"spam"' in out, "--lexicon adds terms (matched without case or diacritics)", out)
        ngx.write("c/same/index.html", BASE)

        # re-baseline after a legitimate redesign makes the page quiet again
        rc, _, _ = run(["web", "baseline", "--data-dir", data, ngx.url("c/replaced/")])
        rc2, out, _ = run(["web", "check", "--data-dir", data, ngx.url("c/replaced/")])
        ok(rc == 0 and rc2 == 0, "re-baselining a redesigned page makes it quiet", out)

        rc, out, err = run(["web", "baseline", "--data-dir", data, f"http://nhacai88.localhost:{port}/"])
        ok(rc == 0 and "already holds spam vocabulary" in err, "baseline of a page already full of spam warns", err)

        # errors and bad inputs
        rc, out, err = run(["web", "check", "--data-dir", data, ngx.url("never-baselined/")])
        ok(rc == 2 and "no baseline" in err, "check without a baseline: exit 2 with a clear error", err)
        rc, out, err = run(["web", "check", "--data-dir", data, "ftp://x/", ngx.url("c/same/")])
        ok(rc == 2 and "ftp://x/" in err and "not an http" in err, "bad URL named on stderr, exit 2", err)
        rc, out, err = run(["web", "check", "--data-dir", data])
        ok(rc == 2 and "no URL given" in err and err.count(chr(10)) == 1, "no URL: usage error", err)
        rc, out, err = run(["web", "baseline", "--data-dir", data, ngx.url("data.bin")])
        ok(rc == 2 and "not an HTML page" in err, "baseline of a binary file: clear error", err)
        rc, out, err = run(["web", "baseline", "--data-dir", data, ngx.url("loop/a")])
        ok(rc == 2 and "redirect loop" in err, "baseline of a redirect loop: clear error", err)
        rc, out, err = run(["web", "check", "--json", "--data-dir", data, ngx.url("c/e503/"), ngx.url("loop/a")])
        ok(rc == 2 and "loop/a" in err and '"http_status"' in out,
           "an error for one URL does not stop the others", out + err)
        lp = [f for f in by.get(ngx.url("c/loop/"), []) if f["kind"] == "unreachable"]
        ok(lp and "redirect loop" in lp[0]["evidence"]["reason"], "redirect loop at check time: named in the finding", lp)
        rc, out, err = run(["web", "baseline", "--data-dir", data, ngx.url("c/too-large/")])
        ok(rc == 2 and "larger than" in err, "baseline of a 50 MB page: clear error", err)
        release = os.environ.get("CANHGAC_RELEASE", os.path.join(SRC, "build/canhgac"))
        if os.path.exists(release) and shutil.which("time"):
            p = subprocess.run(["/usr/bin/time", "-f", "MAXRSS %M", release, "web", "check", "--json", "--data-dir", data,
                                ngx.url("c/too-large/")], capture_output=True, text=True, timeout=120)
            rss = [int(l.split()[1]) for l in p.stderr.splitlines() if l.startswith("MAXRSS")]
            ok(p.returncode == 1 and rss and rss[0] < 200 * 1024,
               "50 MB page x 5 views: too_large, memory bounded (%s KiB)" % (rss[0] if rss else "?"), p.stderr)
        rc, out, err = run(["web", "check", "--json", "--data-dir", data, "--lexicon", "/nonexistent/lex.txt", ngx.url("c/same/")])
        ok(rc == 2 and "/nonexistent/lex.txt" in err, "missing --lexicon file named in the error", err)
        tr = Trickle(BASE)
        try:
            u = f"http://127.0.0.1:{tr.port}/trickle"
            rc, out, err = run(["web", "baseline", "--data-dir", data, u])
            ok(rc == 0, "baseline from the small python server", err)
            tr.mode = "trickle"
            import time
            t0 = time.monotonic()
            rc, out, err = run(["web", "check", "--json", "--timeout", "2", "--data-dir", data, u])
            el = time.monotonic() - t0
            ok(rc == 1 and '"timeout"' in out and el < 20,
               "a server trickling bytes: timeout finding within the total timeout (%.1fs)" % el, out + err)
            rc, out, err = run(["web", "baseline", "--timeout", "2", "--data-dir", data, u])
            ok(rc == 2 and "timeout" in err, "baseline of a trickling server: clear error", err)
        finally:
            tr.stop()
        closed = W.free_port()
        u = f"http://127.0.0.1:{closed}/"
        rc, out, err = run(["web", "baseline", "--data-dir", data, u])
        ok(rc == 2 and "cannot take a baseline" in err, "baseline of a closed port: clear error", err)
    finally:
        ngx.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{N}")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
