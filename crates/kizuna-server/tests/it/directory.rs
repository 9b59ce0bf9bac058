//! The directory follows reference data on its own: a change announced on the
//! store's change channel reaches it without a restart or an explicit reload.

use std::time::Duration;

use kizuna_core::MunicipalityCode;

use crate::support::spawn_app;

#[tokio::test]
async fn a_new_area_reaches_the_directory_without_a_reload() {
    let app = spawn_app(&[], None).await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let follower =
        kizuna_server::directory::Follower::listen(app.state.store.clone(), app.state.directory.clone()).await;
    let follower = tokio::spawn(follower.run(stopped));
    let chichibu = MunicipalityCode::parse("112071").unwrap();
    app.state.store.add_area(&chichibu, "影森", "Kagemori").await.unwrap();
    let seen = tokio::time::timeout(Duration::from_secs(10), async {
        while app.state.directory.current().areas_of(&chichibu).count() == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(seen.is_ok(), "the new area never reached the directory");
    stop.send(true).unwrap();
    follower.await.unwrap();
}
