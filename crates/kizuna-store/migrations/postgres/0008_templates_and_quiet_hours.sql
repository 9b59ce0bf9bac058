-- Emergency templates that fill the compose form in a few taps, and quiet hours
-- (off unless the consortium sets them) during which normal notices wait.

ALTER TABLE consortium ADD COLUMN quiet_start TEXT;
ALTER TABLE consortium ADD COLUMN quiet_end TEXT;

CREATE TABLE notice_templates (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- NULL: a template of the whole region.
    municipality_code TEXT REFERENCES municipalities (code),
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    title_en TEXT,
    body_en TEXT,
    -- Checked when the template is used: a consortium may not have the category.
    category_key TEXT NOT NULL,
    urgency TEXT NOT NULL,
    position BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- The templates every consortium starts with; admins change them or add their own.
INSERT INTO notice_templates (municipality_code, name, title, body, title_en, body_en, category_key, urgency, position, updated_by, updated_at) VALUES
(NULL, '避難指示', '【避難指示】〇〇地区に避難指示を発令しました',
 '〇〇地区に避難指示（警戒レベル4）を発令しました。
危険な場所から全員避難してください。
避難所：〇〇
避難が難しい場合は、近くの安全な建物の上の階や、崖から離れた部屋に移ってください。',
 'Evacuation order for the 〇〇 area',
 'An evacuation order (alert level 4) has been issued for the 〇〇 area. Everyone must leave dangerous places now. Shelter: 〇〇. If you cannot get there, move to an upper floor of a safe building.',
 'disaster', 'emergency', 1, 'kizuna', '2026-12-01T00:00:00Z'),
(NULL, '高齢者等避難', '【高齢者等避難】〇〇地区に高齢者等避難を発令しました',
 '〇〇地区に高齢者等避難（警戒レベル3）を発令しました。
高齢の方、障害のある方、小さなお子さんのいる方などは避難を始めてください。
避難所：〇〇',
 'Elderly and others should evacuate (〇〇 area)',
 'Alert level 3 for the 〇〇 area: older people, people with disabilities, families with small children and their helpers should start to evacuate. Shelter: 〇〇.',
 'disaster', 'emergency', 2, 'kizuna', '2026-12-01T00:00:00Z'),
(NULL, '土砂災害警戒', '【土砂災害警戒】土砂災害警戒情報が発表されました',
 '土砂災害警戒情報が発表されました。
がけや渓流の近くにお住まいの方は、早めに安全な場所へ避難してください。',
 'Landslide warning',
 'A landslide alert has been issued. If you live near a cliff or a mountain stream, move to a safe place early.',
 'disaster', 'emergency', 3, 'kizuna', '2026-12-01T00:00:00Z'),
(NULL, '断水', '【断水】〇〇地区で断水しています',
 '〇〇地区で断水しています。
復旧の見込み：〇〇時ごろ
給水所：〇〇',
 'Water outage in the 〇〇 area',
 'There is no water supply in the 〇〇 area. Expected to be restored around 〇〇. Water station: 〇〇.',
 'notice', 'normal', 4, 'kizuna', '2026-12-01T00:00:00Z'),
(NULL, '不審者', '【不審者情報】〇〇付近で不審者が目撃されました',
 '〇〇日〇〇時ごろ、〇〇付近で不審者が目撃されました。
特徴：〇〇
お子さんの登下校に注意し、見かけたら110番通報してください。',
 'Suspicious person near 〇〇',
 'A suspicious person was seen near 〇〇 around 〇〇. Watch children on their way to and from school and call 110 if you see them.',
 'crime', 'normal', 5, 'kizuna', '2026-12-01T00:00:00Z');
