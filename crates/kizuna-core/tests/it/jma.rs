use std::str::FromStr;
#[test]
fn parse_all() {
    for e in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/jmaxml")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none() { continue; }
        let s = std::fs::read_to_string(&p).unwrap();
        let r = jmaxml::Report::from_str(&s);
        println!("{:?} {}", p.file_name(), r.is_ok());
        let r = r.unwrap();
        println!("  event_id={:?} serial={:?} info_type={:?}", r.head.event_id, r.head.serial, r.head.info_type);
    }
}
