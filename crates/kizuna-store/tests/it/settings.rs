//! What the console's second half changes: reference data (announced to every
//! process), quiet hours, emergency templates, staff accounts and API keys — on
//! both backends.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use kizuna_core::consortium::{Category, ConsortiumSeed};
use kizuna_core::notice::Urgency;
use kizuna_core::quiet::QuietHours;
use kizuna_core::staff::{Role, Scope};
use kizuna_core::token::TokenHash;
use kizuna_core::{CategoryKey, EmailAddress, MunicipalityCode};
use kizuna_store::*;
use tokio::sync::Notify;

crate::conformance!(
    reference_data_changes_are_kept_and_announced,
    quiet_hours_are_off_until_set,
    templates_belong_to_the_region_or_one_municipality,
    staff_accounts_are_listed_by_municipality_changed_and_disabled,
    api_keys_are_listed_with_the_revoked_ones,
);

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 2, minute, 0).single().unwrap()
}

fn code(text: &str) -> MunicipalityCode {
    MunicipalityCode::parse(text).unwrap()
}

async fn seeded(store: &Arc<dyn Store>) {
    store.seed_if_empty(&ConsortiumSeed::chichibu().unwrap(), at(0)).await.unwrap();
}

async fn reference_data_changes_are_kept_and_announced(store: Arc<dyn Store>) {
    seeded(&store).await;
    let heard = Arc::new(Notify::new());
    store.listen(Topic::ReferenceData, heard.clone()).await.unwrap();
    store.update_municipality(&code("113620"), "皆野町", "Minano Town", "minano").await.unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(10), heard.notified()).await.unwrap();
    let minano = store.municipalities().await.unwrap().into_iter().find(|m| m.code == code("113620")).unwrap();
    assert_eq!((minano.name_en.as_str(), minano.sender_local.as_str()), ("Minano Town", "minano"));
    assert!(matches!(store.update_municipality(&code("131016"), "x", "x", "x").await, Err(StoreError::NotFound)));

    let area = store.add_area(&code("113620"), "金崎", "Kanasaki").await.unwrap();
    store.rename_area(area, "金崎地区", "Kanasaki district").await.unwrap();
    assert_eq!(store.areas(&code("113620")).await.unwrap()[0].name_ja, "金崎地区");

    let shelter = Category {
        key: CategoryKey::parse("shelter").unwrap(),
        name_ja: "避難所".into(),
        name_en: "Shelters".into(),
        emergency: true,
        restricted: false,
    };
    store.save_category(&shelter).await.unwrap();
    let renamed = Category { name_en: "Evacuation shelters".into(), ..shelter.clone() };
    store.save_category(&renamed).await.unwrap();
    let categories = store.categories().await.unwrap();
    assert_eq!(categories.last(), Some(&renamed), "a new category goes last and keeps its place when changed");
    store.sync_pacing_rules(&[PacingRule { domain: "docomo.ne.jp".into(), per_minute: 300 }]).await.unwrap();
    assert_eq!(store.pacing_rules().await.unwrap(), [PacingRule { domain: "docomo.ne.jp".into(), per_minute: 300 }]);
}

async fn quiet_hours_are_off_until_set(store: Arc<dyn Store>) {
    seeded(&store).await;
    assert_eq!(store.quiet_hours().await.unwrap(), None, "the built-in consortium sets none");
    let quiet = QuietHours::parse("21:00", "07:00").unwrap();
    store.set_quiet_hours(Some(&quiet)).await.unwrap();
    assert_eq!(store.quiet_hours().await.unwrap(), Some(quiet));
    store.set_quiet_hours(None).await.unwrap();
    assert_eq!(store.quiet_hours().await.unwrap(), None);
}

async fn templates_belong_to_the_region_or_one_municipality(store: Arc<dyn Store>) {
    seeded(&store).await;
    let region = store.templates(&Scope::AllMunicipalities).await.unwrap();
    let names: Vec<&str> = region.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        ["避難指示", "高齢者等避難", "土砂災害警戒", "断水", "不審者"],
        "every consortium starts with these"
    );
    assert_eq!(region[0].urgency, Urgency::Emergency);
    let own = TemplateText {
        municipality: Some(code("113611")),
        name: "芦ヶ久保の断水".into(),
        title: "【断水】芦ヶ久保地区".into(),
        body: "〇〇時まで断水します。".into(),
        title_en: None,
        body_en: None,
        category: CategoryKey::parse("notice").unwrap(),
        urgency: Urgency::Normal,
    };
    let id = store.create_template(&own, "staff:3", at(1)).await.unwrap();
    let yokoze = store.templates(&Scope::Municipality(code("113611"))).await.unwrap();
    assert_eq!(yokoze.len(), 6);
    assert_eq!(yokoze.last().map(|t| t.id), Some(id), "the region's first, then the town's own");
    assert_eq!(store.templates(&Scope::Municipality(code("112071"))).await.unwrap().len(), 5, "not another town's");
    let changed = TemplateText { title: "【断水】芦ヶ久保地区（更新）".into(), ..own };
    store.update_template(id, &changed, "staff:4", at(2)).await.unwrap();
    let stored = store.template(id).await.unwrap().unwrap();
    assert_eq!(
        (stored.title.as_str(), stored.updated_by.as_str(), stored.updated_at),
        ("【断水】芦ヶ久保地区（更新）", "staff:4", at(2))
    );
    assert!(store.delete_template(id).await.unwrap());
    assert!(store.template(id).await.unwrap().is_none());
    assert!(matches!(store.update_template(id, &changed, "staff:4", at(3)).await, Err(StoreError::NotFound)));
}

async fn staff_accounts_are_listed_by_municipality_changed_and_disabled(store: Arc<dyn Store>) {
    seeded(&store).await;
    let account = |email: &str, scope: Scope, role: Role| NewStaff {
        email: EmailAddress::parse(email).unwrap(),
        password_hash: "$argon2id$stand-in".into(),
        scope,
        role,
        emergency: false,
        must_change_password: true,
    };
    let yokoze = store
        .create_staff(&account("b@yokoze.example", Scope::Municipality(code("113611")), Role::Author), at(1))
        .await
        .unwrap();
    store
        .create_staff(&account("a@yokoze.example", Scope::Municipality(code("113611")), Role::Approver), at(1))
        .await
        .unwrap();
    store
        .create_staff(&account("c@chichibu.example", Scope::Municipality(code("112071")), Role::Author), at(1))
        .await
        .unwrap();
    store
        .create_staff(&account("region@example.jp", Scope::AllMunicipalities, Role::ConsortiumAdmin), at(1))
        .await
        .unwrap();
    let emails = |list: Vec<StaffAccount>| list.into_iter().map(|s| s.email).collect::<Vec<_>>();
    assert_eq!(
        emails(store.list_staff(Some(&code("113611"))).await.unwrap()),
        ["a@yokoze.example", "b@yokoze.example"]
    );
    assert_eq!(store.list_staff(None).await.unwrap().len(), 4);

    store.update_staff(yokoze, Role::Approver, &Scope::Municipality(code("113611")), true).await.unwrap();
    let changed = store.staff_account(yokoze).await.unwrap().unwrap();
    assert_eq!((changed.role, changed.emergency), (Role::Approver, true));
    store.set_staff_disabled(yokoze, Some(at(5))).await.unwrap();
    assert!(store.staff_account(yokoze).await.unwrap().unwrap().disabled);
    store.set_staff_disabled(yokoze, None).await.unwrap();
    assert!(!store.staff_account(yokoze).await.unwrap().unwrap().disabled);
    assert!(matches!(store.set_staff_disabled(999, None).await, Err(StoreError::NotFound)));
}

async fn api_keys_are_listed_with_the_revoked_ones(store: Arc<dyn Store>) {
    seeded(&store).await;
    let key = |prefix: &str| NewApiKey {
        prefix: prefix.into(),
        hash: TokenHash::of(prefix),
        scope: Scope::AllMunicipalities,
        rights: vec![kizuna_core::staff::ApiRight::NoticesRead],
        label: prefix.into(),
    };
    let first = store.create_api_key(&key("kz_one"), at(1)).await.unwrap();
    store.create_api_key(&key("kz_two"), at(2)).await.unwrap();
    store.revoke_api_key(first, at(3)).await.unwrap();
    let keys = store.api_keys().await.unwrap();
    assert_eq!(
        keys.iter().map(|k| (k.prefix.as_str(), k.revoked_at.is_some())).collect::<Vec<_>>(),
        [("kz_one", true), ("kz_two", false)]
    );
}
