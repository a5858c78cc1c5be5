"""Issue 14, rounds 5 and 6, languages he fa tr zh ja ko vi hi ro nl sr hr ka: kinds of phrasing
the blind batch (bench/detection_blind) and the unseen batch (bench/detection_unseen) showed
missing, each tested with sentences of our own, not the batches'. A positive must fire its
concept; a near miss must not fire the concept named."""

from __future__ import annotations

import pytest

from .test_languages import fired

POSITIVES = [
    # (language, concept, text)
    # a "major air raid" in Chinese is not Japan's historical "great air raid" (大空襲)
    ("zh", "air_strike", "官員警告本週恐遭重大空襲，民眾應留意警報"),
    ("zh", "air_strike", "情報顯示週末可能有巨大空襲"),
    # evacuation: staff withdrawn, repatriated or taken out of the country; nationals told to
    # withdraw or, on advice, to leave
    ("fa", "evacuation", "وزارت خارجه اعلام کرد پرسنل سفارت را از کابل خارج کرده است"),
    ("ko", "evacuation", "외교부는 공관원과 가족을 모두 철수시키기로 했다"),
    (
        "nl",
        "evacuation",
        "Buitenlandse Zaken adviseert Nederlanders in Libanon om het land te verlaten",
    ),
    ("ro", "evacuation", "Franța și-a retras personalul diplomatic din Sudan"),
    ("ro", "evacuation", "Guvernul anunță repatrierea întregului personal al ambasadei"),
    ("tr", "evacuation", "Almanya, Kabil büyükelçiliğindeki personelini ülke dışına çıkardı"),
    ("tr", "evacuation", "Kanada diplomatik personelini geri çekti"),
    ("hr", "evacuation", "Njemačka povlači osoblje veleposlanstva iz Kijeva"),
    ("sr", "evacuation", "Немачка повлачи особље амбасаде из Кијева"),
    ("sr", "evacuation", "SAD povlače osoblje ambasade iz Bagdada"),
    # do_not_travel: "avoid all travel" in any person or noun form, "advised not to travel",
    # a call to cancel or postpone trips
    ("ro", "do_not_travel", "Autoritățile le cer românilor să evite orice călătorie în Liban"),
    ("sr", "do_not_travel", "Министарство препоручује избегавање свих путовања у Иран"),
    ("sr", "do_not_travel", "Građanima se savetuje da izbegavaju sva putovanja u Liban"),
    ("hr", "do_not_travel", "MVEP savjetuje da izbjegavaju sva putovanja u Izrael"),
    ("fa", "do_not_travel", "وزارت خارجه به اتباع خود توصیه کرد به لبنان سفر نکنند"),
    ("vi", "do_not_travel", "Bộ Ngoại giao khuyến cáo công dân hoãn mọi chuyến đi tới Iran"),
    # drones and missiles named together ("an attack with missiles and drones"), a weapon
    # "launching an attack on" a place, missiles fired at targets
    ("ja", "drone_attack", "ロシア軍の無人機とミサイルによる攻撃で2人が負傷した"),
    ("ja", "missile_attack", "ロシア軍の無人機とミサイルによる攻撃で2人が負傷した"),
    ("ja", "drone_attack", "ミサイルと無人機による攻撃が続いている"),
    ("zh", "drone_attack", "俄军无人机对哈尔科夫发动袭击"),
    ("zh", "missile_attack", "伊朗导弹对以色列北部发动攻击"),
    ("zh", "drone_attack", "俄军以导弹和无人机袭击基辅"),
    ("zh", "missile_attack", "俄军以导弹和无人机袭击基辅"),
    ("sr", "drone_attack", "У нападу на Одесу дроновима и ракетама погинуло је троје"),
    ("sr", "missile_attack", "u napadu na Harkov raketama i dronovima povređeno je petoro"),
    (
        "ka",
        "drone_attack",
        "რუსეთმა ხარკოვზე დრონებისა და რაკეტების გამოყენებით თავდასხმა განახორციელა",
    ),
    (
        "ka",
        "missile_attack",
        "რუსეთმა ხარკოვზე დრონებისა და რაკეტების გამოყენებით თავდასხმა განახორციელა",
    ),
    ("ko", "missile_attack", "러시아군은 키이우의 기반 시설을 겨냥해 미사일 10발을 쐈다"),
    ("vi", "missile_attack", "Nga bắn hàng chục quả tên lửa nhằm vào Kiev"),
    # the alarm for an air attack is an air-raid alert (and not itself an air strike)
    ("sr", "air_raid_alert", "U Harkovu je ponovo oglašena uzbuna za vazdušni napad"),
    ("hr", "air_raid_alert", "U Kijevu je noćas proglašena uzbuna za zračni napad"),
    # diplomatic missions closed (Georgian names them without the word for embassy)
    ("ka", "embassy_closed", "აშშ-მა ახლო აღმოსავლეთში დიპლომატიური მისიები დროებით დახურა"),
    # Hebrew: "the air force struck/bombed"; a hostile UAV (its intrusion, its interception)
    ("he", "air_strike", "חיל האוויר הפציץ הלילה מחסני נשק בדרום לבנון"),
    ("he", "drone_attack", 'כטב"ם עוין חדר למרחב אילת ויורט'),
    # sheltering as an infinitive ("advised to seek cover"), not only the imperative
    ("nl", "shelter_in_place", "Inwoners kregen het advies dekking te zoeken in de metro"),
    # held-out weak spots of the same kinds: drones and missiles that "attacked" together,
    # air defence "against missiles and drones", "advised to leave", people taking shelter
    # at the sirens, "a rocket attack" (Georgian), "you must enter the shelter"
    ("fa", "missile_attack", "موشک ها و پهپادهای روسی شب گذشته به شهر خارکیف حمله کردند"),
    ("fa", "drone_attack", "موشک ها و پهپادهای روسی شب گذشته به شهر خارکیف حمله کردند"),
    ("sr", "drone_attack", "PVO je cele noći dejstvovala protiv raketa i dronova iznad Kijeva"),
    ("nl", "evacuation", "Nederlanders in Libanon wordt aangeraden te vertrekken zolang het kan"),
    ("ko", "air_raid_alert", "주민들은 사이렌에 따라 지하철역으로 대피했다"),
    ("ka", "missile_attack", "ისრაელზე სარაკეტო შეტევა განხორციელდა"),
    ("ka", "shelter_in_place", "მოქალაქეები დაუყოვნებლივ უნდა შეხვიდნენ უახლოეს თავშესაფარში"),
    # a closure on a Saturday for a reason is still a closure; rumours do not veto one
    ("he", "embassy_closed", "השגרירות האמריקנית תיסגר ביום שבת בשל חשש לפיגוע"),
    ("fa", "embassy_closed", "پس از شایعات حمله، سفارت آلمان در تهران تعطیل شد"),
    # "attacked with missiles and drones" / "launched missiles and UAVs": both concepts
    ("he", "drone_attack", 'איראן שיגרה לעבר ישראל טילים וכטב"מים במהלך הלילה'),
    ("he", "missile_attack", 'איראן שיגרה לעבר ישראל טילים וכטב"מים במהלך הלילה'),
    ("ko", "missile_attack", "러시아가 밤새 미사일과 드론으로 키이우를 공격했다"),
    ("ro", "drone_attack", "Rusia a atacat Kievul cu rachete și drone în timpul nopții"),
    ("ro", "missile_attack", "Rusia a atacat Kievul cu rachete și drone în timpul nopții"),
    ("nl", "drone_attack", "Rusland viel Kyiv vannacht aan met raketten en drones"),
    ("nl", "missile_attack", "Rusland viel Kyiv vannacht aan met raketten en drones"),
    ("hr", "drone_attack", "Rusija je noćas napala Kijev raketama i dronovima"),
    ("hr", "missile_attack", "Rusija je noćas napala Kijev raketama i dronovima"),
    ("sr", "drone_attack", "Русија је ноћас напала Кијев ракетама и дроновима"),
    ("ka", "drone_attack", "რუსეთი ღამით კიევს რაკეტებით და დრონებით დაესხა თავს"),
    ("ka", "missile_attack", "რუსეთი ღამით კიევს რაკეტებით და დრონებით დაესხა თავს"),
    # sheltering as a request in the subjunctive or infinitive ("asked to go to shelters")
    ("fa", "shelter_in_place", "از مردم خواسته شد به پناهگاه ها بروند"),
    ("ro", "shelter_in_place", "Locuitorii au fost sfătuiți să meargă în adăposturi"),
    ("nl", "shelter_in_place", "Bewoners werd gevraagd in de schuilkelders te blijven"),
    ("sr", "shelter_in_place", "Građani su pozvani da se sklone u skloništa"),
    ("hr", "shelter_in_place", "Građani su pozvani da se sklone u skloništa"),
    ("ka", "shelter_in_place", "მოსახლეობას თავშესაფრებში გადასვლისკენ მოუწოდეს"),
    # an embassy closed with a possessive or a plain verb; Romanian air-raid sirens;
    # Hebrew calls on nationals to leave a named country
    ("he", "embassy_closed", "ישראל סגרה זמנית את שגרירותה בעמאן"),
    ("nl", "embassy_closed", "De VS sluiten tijdelijk hun ambassade in Bagdad"),
    ("ro", "air_raid_alert", "Sirenele de raid aerian au sunat în tot Kievul"),
    ("he", "evacuation", "משרד החוץ קרא לישראלים לעזוב את טורקיה בהקדם"),
    # "advises them not to travel" as a clause; Georgian "refrain from travel", "an offensive
    # by drones"
    ("sr", "do_not_travel", "Ministarstvo savetuje građanima da ne putuju u Liban"),
    ("hr", "do_not_travel", "MVEP savjetuje hrvatskim državljanima da ne putuju u Libanon"),
    (
        "ka",
        "do_not_travel",
        "საგარეო სამინისტრო მოქალაქეებს ლიბანში მოგზაურობისგან თავის შეკავებას ურჩევს",
    ),
    ("ka", "drone_attack", "ოდესაზე დრონებით შეტევა განხორციელდა"),
    # Round 6: kinds the unseen batch (bench/detection_unseen) showed missing.
    # attacks told as counted launches of drones and missiles, weapons downed or destroyed,
    # a rocket or drone that fell or hit
    ("zh", "missile_attack", "俄军当晚发射了40枚导弹和300架无人机，多地发生爆炸"),
    ("zh", "drone_attack", "俄軍出動120架無人機並發射9枚飛彈攻擊敖德薩"),
    ("ja", "drone_attack", "ロシア軍はドローンとミサイル計300機余りで大規模な攻撃を行った"),
    ("ja", "missile_attack", "無人機や巡航ミサイルを多数使った攻撃が夜通し続いた"),
    ("ko", "drone_attack", "러시아는 밤사이 450대의 드론과 20발의 미사일을 발사했다"),
    ("ko", "missile_attack", "러시아는 밤사이 450대의 드론과 20발의 미사일을 발사했다"),
    ("ko", "drone_attack", "하르키우가 드론 및 미사일 공격을 받았다"),
    ("ko", "missile_attack", "방공군이 탄도미사일 5기와 드론 30기를 요격했다"),
    ("fa", "drone_attack", "پدافند هوایی دو پهپاد متخاصم را بر فراز بندر سرنگون کرد"),
    ("fa", "drone_attack", "حمله‌ی پهپادی به پالایشگاه خسارت زد"),
    ("fa", "missile_attack", "حمله‌ی موشکی به پایگاه هوایی گزارش شد"),
    ("fa", "missile_attack", "دو فروند موشک بالستیک پیش از رسیدن به هدف منهدم شدند"),
    ("he", "missile_attack", "רקטה פגעה בבית ספר באשקלון"),
    ("he", "missile_attack", "שני פצועים קל מנפילת טיל בצפון"),
    ("he", "missile_attack", "זוהו שיגורים מלבנון לעבר הגליל המערבי"),
    ("he", "drone_attack", 'כטב"ם פגע במבנה בקריית שמונה'),
    ("hi", "missile_attack", "रात भर हुए मिसाइल अटैक में चार लोग घायल हुए"),
    ("hr", "missile_attack", "Oborene su i tri balističke rakete Iskander"),
    ("hr", "missile_attack", "U napadima projektilima na Harkiv poginule su dvije osobe"),
    ("sr", "missile_attack", "Испаљене су три ракете на касарну код Дњепра"),
    ("sr", "missile_attack", "у нападу беспилотницима и крстарећим ракетама оштећена је електрана"),
    ("tr", "drone_attack", "Saldırının silahlı İHA ile gerçekleştirildiği bildirildi"),
    # a founding-day holiday near a drone attack is not a commemoration of one
    ("ko", "drone_attack", "개천절 기념일을 앞두고 최대 규모의 드론 공격이 발생했다"),
    ("vi", "drone_attack", "UAV của Israel đã không kích một xe ô tô ở miền nam Lebanon"),
    # attacks told as launches of so many drones, or of so many missiles at a target
    ("sr", "drone_attack", "Русија је током ноћи лансирала 150 беспилотних летелица"),
    ("hr", "drone_attack", "Rusija je preko noći lansirala 250 dronova na Ukrajinu"),
    ("hr", "missile_attack", "Rusija je noćas ispalila 12 krstarećih raketa na Lavov"),
    ("sr", "missile_attack", "Русија је испалила 30 ракета на Харков"),
    ("ro", "drone_attack", "Rusia a lansat în timpul nopții 120 de drone"),
    ("ro", "missile_attack", "Rusia a lansat 15 rachete asupra regiunii Odesa"),
    ("nl", "missile_attack", "Rusland lanceerde 25 raketten richting Lviv"),
    ("tr", "drone_attack", "Rusya Odessa'ya 90 İHA gönderdi"),
    ("vi", "drone_attack", "Nga điều 200 máy bay không người lái tấn công miền tây Ukraine"),
    ("hi", "drone_attack", "रूस ने कीव पर 150 ड्रोन छोड़े"),
    ("he", "drone_attack", 'חיזבאללה שיגרו 5 כטב"מים לעבר חיפה'),
    ("fa", "drone_attack", "روسیه ۱۵۰ پهپاد به سوی اودسا پرتاب کرد"),
    ("ka", "drone_attack", "რუსეთმა ოდესაზე 150 დრონი გაუშვა"),
    ("ja", "drone_attack", "ロシア軍はドローン150機を投入した"),
    ("ko", "drone_attack", "러시아는 무인기 150대를 동원했다"),
    ("zh", "drone_attack", "俄军一夜出动了150架无人机"),
    # sirens that sound, alerts named by their threat
    ("ro", "air_raid_alert", "Sirenele au răsunat în Izmail"),
    ("sr", "air_raid_alert", "Сирене су завијале целе ноћи у Одеси"),
    ("nl", "air_raid_alert", "In Lviv gingen de sirenes af"),
    ("ka", "air_raid_alert", "კიევში სირენები ამოქმედდა"),
    ("zh", "air_raid_alert", "敖德萨拉响防空警报"),
    ("ro", "air_raid_alert", "Alertă de rachete în nordul județului"),
    ("nl", "air_raid_alert", "Alarm vanwege drones boven Odessa"),
    ("hr", "air_raid_alert", "Uzbuna zbog raketa u Odesi"),
    ("sr", "air_raid_alert", "Узбуна због дронова у Одеси"),
    ("tr", "air_raid_alert", "Kiev'de füze alarmı verildi"),
    ("vi", "air_raid_alert", "Cảnh báo tên lửa được phát đi ở Kyiv"),
    ("hi", "air_raid_alert", "कीव में मिसाइल अलर्ट जारी किया गया"),
    ("fa", "air_raid_alert", "هشدار موشکی در شمال اسرائیل"),
    ("ka", "air_raid_alert", "ოდესაში დრონების საფრთხეა"),
    ("ko", "air_raid_alert", "서울에 드론 경보가 내려졌다"),
    # Croatia's siren tests are named with the sirens, so a Polish "attempt" is no test
    ("pl", "air_raid_alert", "Próba ataku na Rzeszów, ogłoszono alarm przeciwlotniczy"),
    # the Romanian police-siren exclude is not English "political"
    ("en", "air_raid_alert", "Air raid alert in Kyiv as political tensions rise"),
    # evacuation: departure of staff authorised, calls to leave the country or the region,
    # to withdraw, to go as soon as possible
    ("he", "evacuation", "משרד החוץ אישר את יציאתם של בני משפחות הדיפלומטים מלבנון"),
    ("hi", "evacuation", "सरकार ने नागरिकों को देश छोड़ने के निर्देश दिए"),
    ("ja", "evacuation", "外務省は在留邦人に出国を強く勧めている"),
    ("ko", "evacuation", "현지 체류 국민들은 신속히 철수해 주시기 바랍니다"),
    (
        "nl",
        "evacuation",
        "Het ministerie roept alle Nederlanders in Libanon op het land te verlaten",
    ),
    ("ka", "evacuation", "საფრანგეთი მოქალაქეებს მოუწოდებს, რომ ქვეყანა დატოვონ"),
    (
        "tr",
        "evacuation",
        "Bakanlık, vatandaşların bölgeden derhal ayrılmaları gerektiğini açıkladı",
    ),
    ("vi", "evacuation", "Công dân Pháp nên rời khỏi Liban bằng các chuyến bay thương mại"),
    # do_not_travel: refrain from or give up travel, do not go
    ("ka", "do_not_travel", "სამინისტრო მოქალაქეებს ურჩევს, თავი შეიკავონ ისრაელში მოგზაურობისგან"),
    ("hr", "do_not_travel", "Građanima se savjetuje da odustanu od putovanja u Libanon"),
    ("sr", "do_not_travel", "Грађанима се препоручује да се уздрже од путовања у Израел"),
    ("ro", "do_not_travel", "MAE le cere cetățenilor să nu plece în Israel"),
    ("nl", "do_not_travel", "Het ministerie adviseert af te zien van alle reizen naar Iran"),
    ("vi", "do_not_travel", "Người dân không nên đi đến Iran vào thời điểm này"),
    ("ko", "do_not_travel", "해당 지역 여행을 취소해 주시기 바랍니다"),
    ("hi", "do_not_travel", "मंत्रालय ने लेबनान की किसी भी यात्रा से बचने को कहा"),
    ("ro", "do_not_travel", "Se recomandă abținerea de la orice călătorie în Liban"),
    ("nl", "do_not_travel", "Buitenlandse Zaken raadt alle reizen naar Libanon af"),
    # embassy_closed: consulates closed or their activity stopped, missions of both scripts
    # closed a long clause after the name, a consular section suspended
    ("fa", "embassy_closed", "سرکنسولگری فرانسه در استانبول امروز تعطیل است"),
    ("fa", "embassy_closed", "هلند فعالیت کنسولگری خود در استانبول را متوقف کرد"),
    ("zh", "embassy_closed", "美国驻黎巴嫩使领馆暂时关闭"),
    ("zh", "embassy_closed", "英国宣布暂停驻以色列大使馆的签证业务"),
    (
        "sr",
        "embassy_closed",
        "Амбасада Србије у Ирану је, због безбедносне ситуације у земљи, привремено затворена",
    ),
    ("ka", "embassy_closed", "საფრანგეთმა დიპლომატიური წარმომადგენლობა ლიბანში დახურა"),
    # air_raid_alert: a phone alert about drones, an air alarm, warnings of an air attack
    (
        "ro",
        "air_raid_alert",
        "Locuitorii au primit un mesaj RO-Alert privind posibila cădere de drone",
    ),
    ("ro", "air_raid_alert", "Alarma aeriană a durat o oră în Izmail"),
    ("hr", "air_raid_alert", "U cijeloj zemlji oglašena su upozorenja na zračni napad"),
    ("hr", "air_raid_alert", "Cijela regija bila je pod uzbunom zbog ruskih dronova"),
    ("sr", "air_raid_alert", "Упозорења на ваздушни напад огласила су се у Харкову"),
    # shelter_in_place: people who took shelter, told to stay in shelters or indoors
    ("hr", "shelter_in_place", "Stanovnici su potražili sklonište u podrumima"),
    ("zh", "shelter_in_place", "当局呼吁居民留在避难所内"),
    ("vi", "shelter_in_place", "Người dân được yêu cầu trú ẩn trong các hầm ngầm"),
    ("hi", "shelter_in_place", "लोगों से घरों के अंदर रहने की अपील की गई"),
    # people taking to shelters, told as news
    ("ko", "shelter_in_place", "폭발음이 들리자 시민들이 방공호에 대피했다"),
    ("zh", "shelter_in_place", "空袭期间大批市民涌入地铁站避难"),
    ("ja", "shelter_in_place", "市民らは地下鉄の駅に逃げ込んだ"),
    ("he", "shelter_in_place", "עם האזעקה ירדו התושבים למקלטים"),
    ("fa", "shelter_in_place", "مردم شهر به پناهگاه‌ها پناه بردند"),
    ("tr", "shelter_in_place", "Saldırı sırasında halk sığınaklara koştu"),
    ("ro", "shelter_in_place", "Sute de oameni s-au adăpostit în stațiile de metrou"),
    ("nl", "shelter_in_place", "Honderden mensen schuilden in de kelder van een school"),
    ("hr", "shelter_in_place", "Stanovnici Kijeva sklonili su se u podzemne stanice"),
    ("sr", "shelter_in_place", "Људи су се склонили у подруме"),
    ("ka", "shelter_in_place", "ხალხმა თავშესაფრებს შეაფარა თავი"),
    ("vi", "shelter_in_place", "Hàng nghìn người trú ẩn tại các ga tàu điện ngầm"),
    (
        "nl",
        "shelter_in_place",
        "Wie niet kan vertrekken, wordt aangeraden een veilige plek te zoeken",
    ),
    # round 7: drones (plural where the language marks it) hit, fell or were shot down
    ("tr", "drone_attack", "Suriye'den gönderilen İHA bir askeri üsse isabet etti"),
    ("tr", "drone_attack", "Saldırı İHA'sı hava savunması tarafından düşürüldü"),
    ("zh", "drone_attack", "防空部队在城市上空击落两架无人机"),
    ("zh", "drone_attack", "一架無人機擊中了煉油廠"),
    ("ja", "drone_attack", "ドローンが石油施設に着弾した"),
    ("ja", "drone_attack", "防空部隊が無人機3機を撃墜した"),
    ("he", "drone_attack", "הרחפן פגע בבניין מגורים באילת"),
    ("ka", "drone_attack", "რუსეთმა ღამით 500 დრონითა და 40 რაკეტით განახორციელა თავდასხმა"),
    ("ko", "drone_attack", "드론이 정유시설을 타격했다"),
    ("vi", "drone_attack", "Lực lượng phòng không bắn hạ 20 UAV của đối phương"),
    ("hi", "drone_attack", "वायु सेना ने 12 ड्रोन मार गिराए"),
    ("ro", "drone_attack", "Apărarea antiaeriană a doborât 40 de drone rusești"),
    ("nl", "drone_attack", "Er werden 30 drones neergeschoten boven Kiev"),
    ("sr", "drone_attack", "PVO je oborila 25 dronova iznad Kijeva"),
    ("sr", "drone_attack", "ПВО је оборила 25 дронова изнад Кијева"),
    ("hr", "drone_attack", "Protuzračna obrana oborila je 12 dronova"),
    # round 7: staff withdrawn, recalled or brought home, an embassy evacuated, leave asap
    ("nl", "evacuation", "Het personeel van de ambassade in Bagdad wordt teruggetrokken"),
    ("nl", "evacuation", "Nederland haalt de medewerkers van de ambassade in Khartoem terug"),
    ("nl", "evacuation", "Nederlanders in Libië moeten het land zo snel mogelijk verlaten"),
    ("vi", "evacuation", "Anh yêu cầu rút toàn bộ nhà ngoại giao khỏi Sudan"),
    ("vi", "evacuation", "Pháp rút bắt buộc nhân viên đại sứ quán khỏi Niger"),
    ("fa", "evacuation", "سفارت ایتالیا در کابل از دیپلمات‌ها و کارکنان تخلیه شد"),
    ("fa", "evacuation", "آلمان سفارت خود را از کارمندان تخلیه کرد"),
    ("he", "evacuation", "עובדי השגרירות בקייב הוחזרו לישראל"),
    ("he", "evacuation", "משרד החוץ קורא לישראלים לעזוב את טורקיה כמה שיותר מהר"),
    ("ja", "evacuation", "大使館員は隣国に退避した"),
    ("hi", "evacuation", "दूतावास के कर्मचारियों को वापस बुला लिया गया"),
    ("ro", "evacuation", "Germania și-a rechemat diplomații din Niger"),
    # round 7: refrain from coming
    ("he", "do_not_travel", "המשרד ממליץ להימנע מהגעה לסיני"),
    # round 7: sirens went off in any word order or compound; a missile that hit or fell
    ("ko", "air_raid_alert", "전국에 경보 사이렌이 울러퍼졌다"),
    ("nl", "air_raid_alert", "In heel Oekraïne loeiden de luchtalarmsirenes"),
    ("vi", "missile_attack", "Tên lửa rơi trúng một khu dân cư ở Kiev"),
    ("ka", "missile_attack", "რაკეტა საცხოვრებელ კორპუსს მოხვდა"),
    ("tr", "missile_attack", "Atılan roket bir evde ağır hasara neden oldu"),
    # round 7: a siren that sounded, told in the past, is still an alert
    ("zh", "air_raid_alert", "空袭警报响起后不久，市中心传来爆炸声"),
    ("he", "air_raid_alert", "כשנשמעה אזעקה בעיר, התושבים רצו למקלטים"),
    ("ko", "air_raid_alert", "어젯밤 키이우 전역에 공습경보가 발령됐다"),
    # round 7: air force strikes on; N drones and M missiles; level 4; defer travel; stay home
    ("he", "air_strike", "חיל האוויר ממשיך להפציץ ולתקוף מטרות בדרום לבנון"),
    ("ro", "missile_attack", "Rusia a trimis peste noapte 120 de drone și 9 rachete spre Odesa"),
    (
        "nl",
        "missile_attack",
        "Rusland vuurde 300 drones en 20 ballistische raketten af op Oekraïne",
    ),
    ("hr", "missile_attack", "Rusija je ispalila 300 dronova i 20 raketa na Ukrajinu"),
    ("sr", "missile_attack", "Русија је испалила 300 дронова и 20 ракета на Украјину"),
    ("ja", "do_not_travel", "外務省は同国全土をレベル4に引き上げ、渡航は止めるよう呼びかけた"),
    ("ja", "evacuation", "大使館の職員と家族は陸路で隣国へ移動し、そこに退避した"),
    ("hi", "do_not_travel", "सरकार ने कहा कि हालात सुधरने तक नागरिक इराक की यात्रा स्थगित कर दें"),
    ("tr", "shelter_in_place", "Büyükelçilik personeline yerinde barınma talimatı verildi"),
    ("hi", "shelter_in_place", "दूतावास ने कहा कि नागरिक घर से बाहर न निकलें"),
    ("hi", "shelter_in_place", "वहां मौजूद नागरिकों से कहा गया है कि वे अपने घरों पर ही रहें"),
    ("hr", "shelter_in_place", "Vlasti su upozorile stanovnike pograničnih sela da se sklone"),
    ("hr", "shelter_in_place", "Gradonačelnik je pozvao građane da ostanu u skloništima"),
    ("sr", "shelter_in_place", "Власти су упозориле становнике пограничних села да се склоне"),
    # round 8, drone_attack by construction: {drone nouns} x {hit, crashed into, exploded,
    # intercepted, shot down, destroyed, targeted, fired at}, either order, within a sentence
    ("he", "drone_attack", 'שלושה כטב"מים חצו את הגבול, שניים יורטו'),
    ("he", "drone_attack", "כלי טיס בלתי מאויש התרסק לתוך בניין מגורים באילת"),
    ("fa", "drone_attack", "پهپادهای روسی یک ساختمان مسکونی را در کی\u200cیف هدف قرار دادند"),
    ("fa", "drone_attack", "یک پهپاد به پالایشگاه اصابت کرد و آتش\u200cسوزی به راه افتاد"),
    ("tr", "drone_attack", "Ukrayna'nın insansız hava araçları Rus rafinerisini hedef aldı"),
    ("zh", "drone_attack", "美军无人机向一栋房屋发射导弹"),
    ("ja", "drone_attack", "ウクライナの無人機がロシアの製油所を攻撃した"),
    ("ja", "drone_attack", "ドローンが集合住宅に突っ込み、2人が死亡した"),
    ("vi", "drone_attack", "Máy bay không người lái Ukraine tập kích nhà máy lọc dầu của Nga"),
    ("hi", "drone_attack", "यूक्रेन के ड्रोन ने रूस की एक रिफाइनरी पर हमला किया"),
    ("ro", "drone_attack", "Atac rusesc cu peste 50 de drone asupra Kievului"),
    ("nl", "drone_attack", "Door nachtelijke drone-aanvallen op Kyiv vielen doden"),
    ("nl", "drone_attack", "Russische drones troffen een flatgebouw in Odessa"),
    ("nl", "drone_attack", "Oekraïne viel met drones een raffinaderij in Rusland aan"),
    ("sr", "drone_attack", "Rusija napala Kijev sa više od 100 dronova"),
    ("hr", "drone_attack", "Rusija napala Kijev s više od 100 dronova"),
    ("ka", "drone_attack", "რუსეთის 60 კამიკაძე დრონი გაანადგურეს"),
    ("ka", "drone_attack", "რუსულმა დრონმა საცხოვრებელ კორპუსს დაარტყა"),
    # round 8, missile_attack by construction: {missiles, rockets, ballistic, cruise} x {fired at,
    # launched toward, hit, struck, exploded, targeted}, either order, within a sentence
    ("he", "missile_attack", "חמאס שיגר מאות רקטות לעבר אשקלון"),
    ("he", "missile_attack", "איראן שיגרה עשרות טילים לעבר ישראל"),
    ("fa", "missile_attack", "اصابت موشک ارتش روسیه به یک منطقه مسکونی شش زخمی برجا گذاشت"),
    ("fa", "missile_attack", "یک موشک در مرکز شهر منفجر شد"),
    ("fa", "missile_attack", "موشک\u200cهای بالستیک ایران پایگاه آمریکا را هدف قرار دادند"),
    ("tr", "missile_attack", "Hamas İsrail'e yüzlerce roket fırlattı"),
    ("tr", "missile_attack", "İran İsrail'e balistik füzeler ateşledi"),
    ("ja", "missile_attack", "弾道ミサイルが住宅地に命中し3人が死亡した"),
    ("ko", "missile_attack", "하마스는 이스라엘을 향해 로켓 수백 발을 발사했다"),
    ("ko", "missile_attack", "이란이 이스라엘에 탄도미사일을 쐈다"),
    ("ko", "missile_attack", "순항미사일이 발전소를 타격했다"),
    ("vi", "missile_attack", "Hamas phóng hàng trăm quả rốc két về phía Israel"),
    ("hi", "missile_attack", "रूसी मिसाइल कीव की एक इमारत पर गिरी"),
    ("ro", "missile_attack", "Hamas a lansat sute de rachete asupra Israelului"),
    ("ro", "missile_attack", "Iranul a tras rachete balistice spre Israel"),
    ("nl", "missile_attack", "Een Russische raket trof een flatgebouw in Kyiv"),
    ("nl", "missile_attack", "Hamas vuurde honderden raketten af op Israël"),
    ("nl", "missile_attack", "Iran lanceerde ballistische raketten op Israël"),
    ("sr", "missile_attack", "Hezbolah ispalio desetine raketa na sever Izraela"),
    ("sr", "missile_attack", "Iran je lansirao balističke rakete na Izrael"),
    ("hr", "missile_attack", "Hezbolah je ispalio desetke raketa, jedna je pogodila školu"),
    ("hr", "missile_attack", "Iran je ispalio balističke projektile na Izrael"),
    ("ka", "missile_attack", "რუსულმა რაკეტამ კიევში საცხოვრებელ კორპუსს დაარტყა"),
    ("ka", "missile_attack", "ირანმა ისრაელს ბალისტიკური რაკეტები ესროლა"),
    ("ka", "missile_attack", "ჰამასმა ისრაელის მიმართულებით ასობით რაკეტა გაუშვა"),
]

NEAR_MISSES = [
    # (language, text, concept that must stay quiet)
    ("ja", "大阪大空襲から80年、慰霊の集いが開かれた", "air_strike"),
    ("tr", "Rusya Suriye'deki askerlerini geri çekti", "evacuation"),
    ("ro", "Ministerul a retras datele personale de pe site", "evacuation"),
    ("ko", "미군은 병력 일부를 철수한다고 밝혔다", "evacuation"),
    ("nl", "Het advies is om niet te vertrekken voordat de storm voorbij is", "evacuation"),
    ("vi", "Hãng hàng không khuyến cáo hành khách hoãn chuyến đi vì bão lớn", "do_not_travel"),
    ("ro", "Medicii recomandă să evite orice efort fizic", "do_not_travel"),
    ("vi", "Triều Tiên phóng thử tên lửa vào vùng biển phía đông", "missile_attack"),
    ("hr", "U Kijevu je noćas proglašena uzbuna za zračni napad", "air_strike"),
    ("tr", "Hayfa'da hava saldırısı sirenleri yeniden duyuldu", "air_strike"),
    # sirens of a drill, a siren test, a yearly commemoration, a standing "if a missile may
    # fall" guide; a hypothetical air attack named in a drill
    (
        "fa",
        "در این مانور صدای شبیه سازی شده انفجار پخش شد و آژیر خطر به صدا در آمد",
        "air_raid_alert",
    ),
    ("fa", "این سامانه در صورت وقوع حمله هوایی به مردم هشدار می دهد", "air_strike"),
    ("vi", "Quận sẽ chạy thử còi báo động phòng không vào sáng thứ Bảy", "air_raid_alert"),
    ("zh", "每年的这一天,全市都会拉响防空警报,缅怀遇难同胞", "air_raid_alert"),
    (
        "ja",
        "ミサイルが落下する可能性がある場合は、Jアラートで緊急情報が伝えられます",
        "air_raid_alert",
    ),
    # a denied closure, the Sabbath, a national day, snow
    ("fa", "وزارت خارجه شایعه تعطیلی سفارت آلمان در تهران را تکذیب کرد", "embassy_closed"),
    ("he", "השגרירות סגורה בשבת ותיפתח ביום ראשון כרגיל", "embassy_closed"),
    ("ro", "Ambasada Canadei este închisă luni, de Ziua Muncii", "embassy_closed"),
    ("sr", "Амбасада Француске је данас затворена због снежних падавина", "embassy_closed"),
    ("hr", "Veleposlanstvo je danas zatvoreno zbog snježnog nevremena", "embassy_closed"),
    # launchers are not a launch
    ("he", 'צה"ל השמיד מתקנים לשיגור רקטות בדרום לבנון', "missile_attack"),
    ("nl", "Wandelaars moesten beschutting zoeken tegen de storm", "shelter_in_place"),
    ("ka", "საჰაერო განგაშის შემთხვევაში დარჩით შენობაში", "air_raid_alert"),
    ("hi", "शहर में हवाई हमले की चेतावनी देने वाले सायरन लगाए गए", "air_strike"),
    # weapons delivered, not fired
    ("ro", "Ucraina a primit rachete și drone de la aliați", "missile_attack"),
    ("nl", "Nederland levert raketten en drones aan Oekraïne", "drone_attack"),
    ("ro", "Sirenele de raid aerian au sunat în tot Kievul", "air_strike"),
    ("he", "המאמן ביקש מהשחקן לעזוב את הקבוצה מיד", "evacuation"),
    # "unless necessary" is the level below "do not travel"
    ("hr", "MVEP savjetuje da, osim ako nije nužno, ne putuju u Bosnu", "do_not_travel"),
    (
        "sr",
        "Građanima se savetuje da bez preke potrebe ne putuju u Kosovsku Mitrovicu",
        "do_not_travel",
    ),
    # Round 6 (unseen batch).
    # surveillance aircraft, explainers of what to do
    ("sr", "Беспилотне летелице су снимале положаје војске", "drone_attack"),
    ("ja", "ミサイルが落下したらどうする?想定被害を解説", "missile_attack"),
    ("hi", "मिसाइल हमला होने पर क्या करें, जानिए", "missile_attack"),
    # launches into the sea are tests, weapons bought are not fired
    ("sr", "Северна Кореја је лансирала две ракете у море", "missile_attack"),
    ("tr", "Türkiye 20 İHA satın aldı", "drone_attack"),
    # storm, flood, dam, earthquake and police sirens
    ("ro", "Sirenele au sunat din cauza inundațiilor", "air_raid_alert"),
    ("sr", "Сирене су се огласиле због поплава", "air_raid_alert"),
    ("hr", "Sirene su se oglasile zbog potresa", "air_raid_alert"),
    ("nl", "Sirenes gingen af vanwege noodweer", "air_raid_alert"),
    ("ka", "სირენები აჟღერდა წყალდიდობის გამო", "air_raid_alert"),
    ("vi", "Còi báo động vang lên vì lũ quét", "air_raid_alert"),
    ("hi", "बाढ़ के कारण सायरन बजे", "air_raid_alert"),
    ("fa", "آژیرها به دلیل سیل به صدا درآمد", "air_raid_alert"),
    ("ko", "지진 경보 사이렌이 울렸다", "air_raid_alert"),
    ("zh", "因台风响起警报", "air_raid_alert"),
    ("ja", "洪水のためサイレンが鳴り響いた", "air_raid_alert"),
    ("he", "אזעקות רעידת אדמה נשמעו בצפון", "air_raid_alert"),
    ("sr", "Полицијске сирене су завијале у центру града", "air_raid_alert"),
    ("hr", "Sirena na probi: u subotu provjera sustava", "air_raid_alert"),
    # advice for when an alert comes is not an alert
    ("vi", "Người dân cần vào hầm trú ẩn khi có cảnh báo tên lửa", "air_raid_alert"),
    ("ko", "지진이 나자 주민들이 대피소에 대피했다", "shelter_in_place"),
    # sirens set off by mistake, with no missile fired
    ("fa", "آژیرها به اشتباه به صدا درآمد و هیچ موشکی شلیک نشد", "missile_attack"),
    ("vi", "Người dân được yêu cầu sơ tán khỏi thành phố đến nơi an toàn", "shelter_in_place"),
    # going to a safe place is leaving, not sheltering
    # heat, floods and police alerts
    ("hi", "भीषण गर्मी के कारण लोगों को घर के अंदर रहने की सलाह", "shelter_in_place"),
    ("ro", "RO-Alert: cod roșu de inundații în județul Buzău", "air_raid_alert"),
    ("hr", "Policija je bila pod uzbunom zbog prosvjeda", "air_raid_alert"),
    ("hi", "जो लोग सुरक्षित स्थान पर जा सकते हैं, वे तुरंत शहर छोड़ दें", "shelter_in_place"),
    # round 7: a single drone shot down, no attack on a place
    ("vi", "Không quân Pháp bắn hạ một máy bay không người lái gần biên giới", "drone_attack"),
    ("nl", "De politie onderschepte een drone boven het stadion", "drone_attack"),
    ("ro", "Poliția a doborât o dronă care survola aeroportul", "drone_attack"),
    ("hr", "Policija je oborila dron iznad stadiona", "drone_attack"),
    # round 7: an ambassador recalled for consultations is a protest, not an evacuation
    ("ro", "Bucureștiul și-a rechemat ambasadorul pentru consultări", "evacuation"),
    ("nl", "Nederland heeft de ambassadeur teruggeroepen voor overleg", "evacuation"),
    ("fa", "تخلیه بار کشتی در بندر عباس انجام شد", "evacuation"),
    # round 7: police sirens
    ("nl", "Politiesirenes loeiden de hele nacht door de stad", "air_raid_alert"),
    # round 7: guidance for when sirens sound, a siren that did not sound, a reaction to a report
    ("ko", "공습경보가 발령되면 가까운 대피소로 이동하십시오", "air_raid_alert"),
    ("ko", "공습경보가 발령되면 가까운 대피소로 이동하십시오", "shelter_in_place"),
    ("zh", "听到防空警报后应立即进入地下室", "air_raid_alert"),
    ("he", "במקרה של אזעקה יש להיכנס למרחב המוגן", "air_raid_alert"),
    ("tr", "Hava saldırısı sireni çaldığında en yakın sığınağa gidin", "air_raid_alert"),
    ("nl", "Als het luchtalarm afgaat, ga dan direct naar binnen", "air_raid_alert"),
    ("ro", "Când sună sirenele de alarmă aeriană, mergeți la adăpost", "air_raid_alert"),
    ("hr", "Kada se oglasi sirena zračne opasnosti, idite u sklonište", "air_raid_alert"),
    ("sr", "Када се огласи сирена за ваздушну опасност, идите у склониште", "air_raid_alert"),
    ("vi", "Khi nghe tiếng còi báo động phòng không, người dân cần xuống hầm", "air_raid_alert"),
    ("hi", "हवाई हमले का सायरन बजने पर तुरंत सुरक्षित जगह जाएं", "air_raid_alert"),
    ("ja", "空襲警報のサイレンが鳴ったら頑丈な建物に避難してください", "air_raid_alert"),
    ("he", "העיר לא ספגה אפילו אזעקה אחת מאז תחילת המבצע", "air_raid_alert"),
    ("hi", "हमले के दौरान दिल्ली में हवाई हमले का सायरन बजा ही नहीं", "air_raid_alert"),
    ("fa", "واکنش سخنگوی وزارت خارجه به خبر بسته شدن سفارت", "embassy_closed"),
    ("ja", "弾道ミサイル攻撃の伝達と避難行動", "missile_attack"),
    # round 7: an embassy building cleared, not its staff withdrawn
    ("fa", "ساختمان سفارت به دلیل بسته مشکوک تخلیه شد", "evacuation"),
    # round 8: a drone that fell from a technical fault is no attack
    ("he", 'כטב"ם של צה"ל נפל בשל תקלה טכנית בחצר בית', "drone_attack"),
    ("zh", "一架农用无人机因故障坠毁在田里", "drone_attack"),
    ("tr", "Askeri bir İHA teknik arıza nedeniyle boş araziye çarptı", "drone_attack"),
    # round 8: a test launch, a launch into the sea
    ("zh", "朝鲜试射了一枚弹道导弹，落入日本海", "missile_attack"),
    ("ko", "북한이 동해상으로 탄도미사일 1발을 발사했다", "missile_attack"),
    ("hr", "Vojska je na poligonu ispalila probnu raketu prema moru", "missile_attack"),
]


@pytest.mark.parametrize(("lang", "concept", "text"), POSITIVES, ids=[p[2][:20] for p in POSITIVES])
def test_kind_fires(lang: str, concept: str, text: str) -> None:
    hits = fired(text)
    assert concept in hits, f"{lang}: {concept} should fire on {text!r}, got {hits}"


@pytest.mark.parametrize(
    ("lang", "text", "concept"), NEAR_MISSES, ids=[n[1][:20] for n in NEAR_MISSES]
)
def test_kind_stays_quiet(lang: str, text: str, concept: str) -> None:
    hits = fired(text)
    assert concept not in hits, f"{lang}: {concept} should not fire on {text!r}, got {hits}"
