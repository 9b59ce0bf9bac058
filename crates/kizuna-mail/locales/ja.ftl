# kizuna-mail の文言: お知らせメールの末尾にある、登録者ごとのリンクの名前。
# キーは en.ftl と同じものをすべてそろえる（テストで確かめる）。

footer-link-manage = 配信内容の変更
footer-link-unsubscribe = 配信の停止

## 安否確認 (render.rs)

check-in-request = 【安否確認】どちらかのリンクを開いてお答えください。
check-in-link-safe = 無事です
check-in-link-help = 支援が必要です
